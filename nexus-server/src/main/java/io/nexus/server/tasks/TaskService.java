package io.nexus.server.tasks;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentDeleted;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.GroupCommitter;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.tasks.persistence.TaskEventRepository;
import io.nexus.server.tasks.persistence.TaskInserts;
import io.nexus.server.tasks.persistence.TaskLeaseRepository;
import io.nexus.server.tasks.persistence.TaskRepository;
import io.nexus.server.tracing.TaskTraces;
import org.jspecify.annotations.Nullable;

import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The tasks façade: create, read, and the operator's actions on a task (close, assign,
 * cancel, retry). Every state change goes through {@link TaskTransitions}.
 */
@Service
public class TaskService {

	private final TaskRepository tasks;

	private final TaskLeaseRepository leases;

	private final TaskEventRepository history;

	private final TaskIntake intake;

	private final TaskTransitions transitions;

	private final AgentRegistry agents;

	private final TransactionTemplate transaction;

	private final Clock clock;

	private final AgentPresence presence;

	private final GroupCommitter creates;

	private final TaskTraces traces;

	private final AssignmentEligibility eligibility;

	private final TaskInserts inserts;

	TaskService(TaskRepository tasks, TaskLeaseRepository leases, TaskEventRepository history, TaskIntake intake,
			TaskTransitions transitions, AgentRegistry agents, TransactionTemplate transaction, Clock clock,
			AgentPresence presence, GroupCommitter taskCreateWriter, TaskTraces traces,
			AssignmentEligibility eligibility, TaskInserts inserts) {
		this.inserts = inserts;
		this.eligibility = eligibility;
		this.creates = taskCreateWriter;
		this.traces = traces;
		this.clock = clock;
		this.presence = presence;
		this.tasks = tasks;
		this.leases = leases;
		this.history = history;
		this.intake = intake;
		this.transitions = transitions;
		this.agents = agents;
		this.transaction = transaction;
	}

	/**
	 * Creates one task, or returns the earlier one with the same idempotency key.
	 * Concurrent single creates share a group commit.
	 * @param request the task
	 * @param actor who creates it
	 * @return the task and whether it is new
	 */
	public CreatedTask create(NewTask request, String actor) {
		return this.traces.creation((traceparent) -> create(request, actor, traceparent),
				(created) -> List.of(created.task().id().value()));
	}

	private CreatedTask create(NewTask request, String actor, @Nullable String traceparent) {
		CreatedTask[] created = new CreatedTask[1];
		try {
			this.creates
				.submit(request,
						() -> created[0] = this.intake.createAll(List.of(request), actor, null, traceparent).get(0))
				.join();
			return created[0];
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof DuplicateKeyException) {
				// Two requests with one idempotency key raced; the loser replays the
				// winner.
				return this.transaction
					.execute((status) -> this.intake.createAll(List.of(request), actor, null, traceparent))
					.get(0);
			}
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

	/**
	 * Creates one task in the caller's transaction, through the same checks as
	 * {@link #create(NewTask, String)} (dependencies, approvals), without the group
	 * commit: for a caller whose own writes must commit or roll back with the task (a
	 * schedule's fire). Bad input is refused before anything is written.
	 * @param request the task
	 * @param actor who creates it
	 * @return the task and whether it is new
	 */
	public CreatedTask createInTransaction(NewTask request, String actor) {
		return this.intake.createAll(List.of(request), actor, null, null).get(0);
	}

	/**
	 * Creates tasks all together or not at all.
	 * @param requests the tasks
	 * @param actor who creates them
	 * @return one outcome per request, in order
	 */
	public List<CreatedTask> createAll(List<NewTask> requests, String actor) {
		return this.traces.creation((traceparent) -> createAll(requests, actor, traceparent),
				(created) -> created.stream().map((outcome) -> outcome.task().id().value()).toList());
	}

	private List<CreatedTask> createAll(List<NewTask> requests, String actor, @Nullable String traceparent) {
		List<CreatedTask> created = new ArrayList<>();
		try {
			this.creates.submit(actor, requests.size(), () -> {
				created.clear();
				created.addAll(this.intake.createAll(requests, actor, null, traceparent));
			}).join();
			return created;
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof DuplicateKeyException) {
				// Two requests with one idempotency key raced; the loser replays the
				// winner.
				return this.transaction.execute((status) -> this.intake.createAll(requests, actor, null, traceparent));
			}
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

	/**
	 * Reads a task that may no longer exist (retention deletes finished tasks).
	 * @param id the task
	 * @return the task, if it exists
	 */
	@Transactional(readOnly = true)
	public Optional<Task> find(TaskId id) {
		return this.tasks.findById(id);
	}

	@Transactional(readOnly = true)
	public Task get(TaskId id) {
		return this.tasks.findById(id).orElseThrow(() -> new TaskNotFoundException(id));
	}

	/**
	 * The time a task was created to run at.
	 * @param id the task
	 * @return the time, or {@code null} if it was created to run at once
	 */
	@Transactional(readOnly = true)
	public @Nullable Instant runAt(TaskId id) {
		return this.inserts.runAt(id);
	}

	@Transactional(readOnly = true)
	public Page<Task> list(TaskQuery query, PageRequest page) {
		List<Task> rows = this.tasks.find(query, page);
		if (rows.size() > page.limit()) {
			List<Task> items = List.copyOf(rows.subList(0, page.limit()));
			return new Page<>(items, PageRequest.cursorAfter(items.get(items.size() - 1).seq()));
		}
		return new Page<>(rows, null);
	}

	@Transactional(readOnly = true)
	public List<TaskEvent> history(TaskId id) {
		// the history reads no encrypted column: it stays readable for a task whose
		// payload is not
		if (!this.tasks.exists(id)) {
			throw new TaskNotFoundException(id);
		}
		return this.history.historyOf(id);
	}

	/**
	 * Applies an operator's update: edits of the definition and, optionally, closing the
	 * task as completed, failed or cancelled.
	 * @param id the task
	 * @param changes the update
	 * @param actor who makes it
	 * @return the task as it is now
	 */
	@Transactional
	public Task update(TaskId id, TaskChanges changes, String actor) {
		Task task = lock(id);
		TaskStatus target = changes.status();
		if (target != null && target != task.status() && !target.isTerminal()) {
			throw new IllegalTransitionException(id, task.status(), target,
					"operators may set only completed, failed or cancelled; " + target.wireName()
							+ " is reached through dependencies, dispatch and agents");
		}
		boolean closing = target != null && target != task.status();
		if (task.status().isTerminal()
				&& (changes.editsDefinition() || changes.actualDuration() != null || target != null)) {
			if (target != null) {
				throw new IllegalTransitionException(id, task.status(), target, "terminal states are final");
			}
			throw new ConflictException("task_finished",
					"Task '" + id + "' is " + task.status().wireName() + "; a finished task cannot be edited");
		}
		if (!closing && (changes.reason() != null || changes.resultJson() != null)) {
			throw InvalidRequestException.unprocessable("status_required",
					"'reason' and 'result' apply only when closing the task with a status of completed, failed "
							+ "or cancelled",
					Map.of("task_id", id.value()));
		}
		if (changes.editsDefinition() || (changes.actualDuration() != null && !closing)) {
			this.tasks.updateDefinition(id, orElse(changes.title(), task.title()),
					orElse(changes.description(), task.description()), orElse(changes.priority(), task.priority()),
					orElse(changes.estimatedDuration(), task.estimatedDuration()),
					orElse(changes.actualDuration(), task.actualDuration()), this.clock.instant());
			task = lock(id);
		}
		if (closing) {
			String reason = (changes.reason() != null) ? changes.reason() : target.wireName() + " by " + actor;
			this.transitions.toTerminal(task, target, actor, reason, changes.actualDuration(), changes.resultJson());
			return get(id);
		}
		return task;
	}

	/**
	 * Assigns a queued task to an agent by hand.
	 * @param id the task
	 * @param agentId the agent
	 * @param force assign even if the agent lacks a capability, is paused or is full, or
	 * the task's run_at is still ahead
	 * @param actor who assigns it
	 * @return the task as it is now
	 */
	@Transactional
	public Task assign(TaskId id, AgentId agentId, boolean force, String actor) {
		Task task = lock(id);
		Agent agent = this.agents.get(agentId);
		switch (task.status()) {
			case QUEUED -> {
			}
			case PENDING -> throw new ConflictException("task_not_ready",
					"Task '" + id + "' is waiting for its dependencies", Map.of("task_id", id.value()));
			case AWAITING_APPROVAL -> throw new ConflictException("task_not_ready",
					"Task '" + id + "' is awaiting approval", Map.of("task_id", id.value()));
			case ASSIGNED, IN_PROGRESS,
					INPUT_REQUIRED ->
				throw new ConflictException("task_already_assigned", "Task '" + id + "' is already held by agent '"
						+ task.assignedAgent() + "'; cancel it or wait for it to return to the queue",
						Map.of("task_id", id.value()));
			default -> throw new IllegalTransitionException(id, task.status(), TaskStatus.ASSIGNED,
					"terminal states are final");
		}
		checkPayloadReadable(task, "assigned");
		Instant now = this.clock.instant();
		if (!force && task.attempts() == 0 && task.notBefore() != null && task.notBefore().isAfter(now)) {
			throw new ConflictException("task_not_due",
					"Task '" + id + "' is scheduled to run at " + task.notBefore()
							+ " (run_at); pass \"force\": true to assign it now",
					Map.of("task_id", id.value(), "run_at", task.notBefore().toString()));
		}
		int active = (int) this.tasks.countActive(agentId);
		if (force) {
			this.eligibility.checkForcedAssignable(task, agent, active);
		}
		else {
			this.eligibility.checkAssignable(task, agent, active);
		}
		boolean connected = this.presence.isConnected(agentId);
		String reason = (force ? "manual assignment by " + actor + " (forced)" : "manual assignment by " + actor)
				+ (connected ? "" : "; reserved until agent " + agentId + " connects");
		this.transitions.toAssigned(task, agentId, actor, reason);
		if (!connected) {
			this.leases.reserve(id, agentId);
		}
		return get(id);
	}

	/**
	 * Cancels a task that has not finished; its dependents are cancelled too.
	 * @param id the task
	 * @param reason why, or {@code null}
	 * @param actor who cancels it
	 * @return the task as it is now
	 */
	@Transactional
	public Task cancel(TaskId id, @Nullable String reason, String actor) {
		Task task = lock(id);
		this.transitions.toTerminal(task, TaskStatus.CANCELLED, actor,
				(reason != null) ? reason : "cancelled by " + actor, null, null);
		return get(id);
	}

	/**
	 * Runs a failed or cancelled task again as a new task that names the old one in
	 * {@code retry_of}; the old task keeps its final state and history.
	 * @param id the task to retry
	 * @param actor who retries it
	 * @return the new task
	 */
	public Task retry(TaskId id, String actor) {
		return this.transaction.execute((status) -> {
			Task task = lock(id);
			if (task.status() != TaskStatus.FAILED && task.status() != TaskStatus.CANCELLED) {
				throw new ConflictException("task_not_retryable", "Task '" + id + "' is " + task.status().wireName()
						+ "; only failed or cancelled tasks can be retried", Map.of("task_id", id.value()));
			}
			checkPayloadReadable(task, "retried");
			NewTask again = new NewTask(null, task.title(), task.description(), task.priority(), task.category(),
					task.requiredCapabilities(), task.dependencies(), task.payloadJson(), task.estimatedDuration(),
					task.maxAttempts(), task.timeoutSeconds(), null, task.agentSelector(), task.fairnessKey());
			// the retry continues the trace of the task it retries
			return this.intake.createAll(List.of(again), actor, id, task.traceparent()).get(0).task();
		});
	}

	/**
	 * Returns the unfinished tasks of a removed agent to the queue.
	 * @param event the removal
	 */
	@EventListener
	void onAgentDeleted(AgentDeleted event) {
		for (TaskId id : this.tasks.activeTasksOf(event.agentId())) {
			this.transitions.toQueued(lock(id), event.actor(), "agent_deleted");
		}
	}

	/**
	 * The queued task that has waited longest (for the stuck-queue webhook).
	 * @return the task, or empty when none is queued
	 */
	@Transactional(readOnly = true)
	public Optional<Task> oldestQueued() {
		return this.tasks.oldestQueued().flatMap(this.tasks::findById);
	}

	@Transactional(readOnly = true)
	public Map<TaskStatus, Long> countByStatus() {
		return new EnumMap<>(this.tasks.countByStatus());
	}

	/**
	 * Counts queued tasks by required capability, for metrics.
	 * @return queued tasks per capability; a task that needs several counts under each,
	 * one that needs none under {@code ""}
	 */
	@Transactional(readOnly = true)
	public Map<String, Long> countQueuedByCapability() {
		return this.tasks.countQueuedByCapability();
	}

	/**
	 * Refuses to send or copy a payload that could not be read: it would go out as if the
	 * task had none.
	 */
	private static void checkPayloadReadable(Task task, String action) {
		UnreadableValue payload = task.unreadablePayload();
		if (payload == null) {
			return;
		}
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("task_id", task.id().value());
		properties.put("unreadable", payload.describe());
		if (payload.keyId() != null) {
			properties.put("key_id", payload.keyId());
		}
		String remedy = payload.keyMissing() ? "; add the key to NEXUS_ENCRYPTION_OLD_KEYS and try again"
				: "; the stored value was altered or damaged in the database, so there is no payload to use";
		throw new ConflictException("payload_unreadable", "Task '" + task.id() + "' cannot be " + action
				+ ": its payload cannot be read (" + payload.reason() + ")" + remedy, properties);
	}

	private Task lock(TaskId id) {
		return this.tasks.lockById(id).orElseThrow(() -> new TaskNotFoundException(id));
	}

	private static <T> T orElse(@Nullable T value, T fallback) {
		return (value != null) ? value : fallback;
	}

}
