package io.nexus.server.a2a;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.nexus.server.a2a.A2aPushConfigRows.Target;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskNotFoundException;
import io.nexus.server.tasks.TaskProgressed;
import io.nexus.server.tasks.TaskService;
import io.nexus.server.tasks.TaskStatusChanged;
import io.nexus.server.webhooks.WebhookEvents;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Queues A2A push notifications in the webhook outbox, in the transaction of the change
 * that causes them, so that they are as durable as the change and are sent whichever node
 * made it. The tasks a transaction changes (state, progress note) are collected; just
 * before it commits, one query finds those with push configs, and each config whose last
 * queued status differs from the task's A2A status now gets a {@code statusUpdate}
 * (preceded by the result as an {@code artifactUpdate} when the task completed), as a
 * stream would. Changes that A2A does not show (an internal retry, a new assignment) send
 * nothing.
 */
@Component
class A2aPushNotifier {

	/** The kind of outbox target of push configs. */
	static final String KIND = "a2a.push";

	private final A2aPushConfigRows configs;

	private final A2aTaskRows rows;

	private final A2aTasks shapes;

	private final TaskService tasks;

	private final WebhookEvents outbox;

	private final JsonMapper json;

	A2aPushNotifier(A2aPushConfigRows configs, A2aTaskRows rows, A2aTasks shapes, TaskService tasks,
			WebhookEvents outbox, JsonMapper json) {
		this.configs = configs;
		this.rows = rows;
		this.shapes = shapes;
		this.tasks = tasks;
		this.outbox = outbox;
		this.json = json;
	}

	@EventListener
	void onTaskStatusChanged(TaskStatusChanged change) {
		// a task just created has no configs yet: the commonest change costs no query
		if (change.from() != null) {
			changed(change.taskId());
		}
	}

	@EventListener
	void onTaskProgressed(TaskProgressed progressed) {
		changed(progressed.taskId());
	}

	/**
	 * Queues the task as it is now for one config, as a stream starts: a {@code task}
	 * snapshot. Called in the transaction that saves the config, with the task locked.
	 * @param task the task
	 * @param config the config
	 */
	void snapshot(Task task, A2aPushConfig config) {
		String contextId = contextOf(task);
		ObjectNode body = this.json.createObjectNode();
		body.set("task", this.shapes.task(task, contextId));
		this.outbox.deliverTo(KIND, config.targetId(), List.of(Map.entry("a2a.task", body.toString())));
		this.configs.queued(List.of(config.targetId()), digest(this.shapes.status(task, contextId)));
	}

	private void changed(TaskId taskId) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()
				|| !TransactionSynchronizationManager.isActualTransactionActive()) {
			return;
		}
		@SuppressWarnings("unchecked")
		Set<String> pending = (Set<String>) TransactionSynchronizationManager.getResource(this);
		if (pending == null) {
			Set<String> bound = new LinkedHashSet<>();
			TransactionSynchronizationManager.bindResource(this, bound);
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void beforeCommit(boolean readOnly) {
					List<String> ids = List.copyOf(bound);
					bound.clear();
					queue(ids);
				}

				@Override
				public void afterCompletion(int status) {
					TransactionSynchronizationManager.unbindResourceIfPossible(A2aPushNotifier.this);
				}

			});
			pending = bound;
		}
		pending.add(taskId.value());
	}

	private void queue(List<String> taskIds) {
		if (taskIds.isEmpty()) {
			return;
		}
		for (Map.Entry<String, List<Target>> entry : this.configs.targets(taskIds).entrySet()) {
			Task task;
			try {
				task = this.tasks.get(new TaskId(entry.getKey()));
			}
			catch (TaskNotFoundException ex) {
				continue;
			}
			String contextId = contextOf(task);
			ObjectNode status = this.shapes.status(task, contextId);
			String digest = digest(status);
			List<String> due = entry.getValue()
				.stream()
				.filter((target) -> !digest.equals(target.lastStatus()))
				.map(Target::targetId)
				.toList();
			if (due.isEmpty()) {
				continue;
			}
			List<Map.Entry<String, String>> bodies = bodies(task, contextId, status);
			due.forEach((target) -> this.outbox.deliverTo(KIND, target, bodies));
			this.configs.queued(due, digest);
		}
	}

	/** A status update, after the result when the task completed with one. */
	private List<Map.Entry<String, String>> bodies(Task task, String contextId, ObjectNode status) {
		List<Map.Entry<String, String>> bodies = new ArrayList<>();
		ObjectNode artifact = A2aTasks.terminal(A2aTasks.state(task)) ? this.shapes.artifact(task) : null;
		if (artifact != null) {
			ObjectNode update = this.json.createObjectNode();
			ObjectNode event = update.putObject("artifactUpdate");
			event.put("taskId", task.id().value());
			event.put("contextId", contextId);
			event.set("artifact", artifact);
			event.put("lastChunk", true);
			bodies.add(Map.entry("a2a.artifact_update", update.toString()));
		}
		ObjectNode update = this.json.createObjectNode();
		ObjectNode event = update.putObject("statusUpdate");
		event.put("taskId", task.id().value());
		event.put("contextId", contextId);
		event.set("status", status);
		bodies.add(Map.entry("a2a.status_update", update.toString()));
		return bodies;
	}

	private String contextOf(Task task) {
		return this.rows.contextOf(task.id()).orElse(task.id().value());
	}

	/**
	 * What a client sees of a status: its state and the parts of its message, without the
	 * time (which changes with every write, seen or not).
	 */
	private static String digest(ObjectNode status) {
		String seen = status.path("state").asString() + "\n" + status.path("message").path("parts").toString();
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(seen.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
