package io.nexus.server.a2a;

import java.util.Optional;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.tasks.InputQuestion;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskInputs;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Nexus tasks in the shapes of A2A 1.0 (the ProtoJSON of {@code lf.a2a.v1}): a
 * {@code Task} with its {@code TaskStatus}, status messages and the result as an
 * artifact, and the mapping of Nexus's states to A2A's (docs/interop.md).
 */
@Component
class A2aTasks {

	static final String SUBMITTED = "TASK_STATE_SUBMITTED";

	static final String WORKING = "TASK_STATE_WORKING";

	static final String INPUT_REQUIRED = "TASK_STATE_INPUT_REQUIRED";

	static final String AUTH_REQUIRED = "TASK_STATE_AUTH_REQUIRED";

	static final String COMPLETED = "TASK_STATE_COMPLETED";

	static final String FAILED = "TASK_STATE_FAILED";

	static final String CANCELED = "TASK_STATE_CANCELED";

	static final String REJECTED = "TASK_STATE_REJECTED";

	/** The status reason of a task a person refused to approve (governance). */
	private static final String APPROVAL_REJECTED = "approval_rejected";

	private final JsonMapper json;

	private final TaskInputs inputs;

	A2aTasks(JsonMapper json, TaskInputs inputs) {
		this.json = json;
		this.inputs = inputs;
	}

	/**
	 * The A2A state of a task. A task that has run once stays {@code WORKING} while it is
	 * queued again for a retry: internal retries are not shown.
	 * @param task the task
	 * @return the {@code TaskState} name
	 */
	static String state(Task task) {
		return switch (task.status()) {
			case PENDING, QUEUED, ASSIGNED -> (task.startedAt() != null) ? WORKING : SUBMITTED;
			case IN_PROGRESS -> WORKING;
			case INPUT_REQUIRED -> INPUT_REQUIRED;
			case AWAITING_APPROVAL -> AUTH_REQUIRED;
			case COMPLETED -> COMPLETED;
			case FAILED -> FAILED;
			case CANCELLED -> (task.statusReason() != null && task.statusReason().startsWith(APPROVAL_REJECTED))
					? REJECTED : CANCELED;
		};
	}

	/**
	 * Whether a state ends the task for good.
	 * @param state a {@code TaskState} name
	 * @return {@code true} for completed, failed, canceled and rejected
	 */
	static boolean terminal(String state) {
		return COMPLETED.equals(state) || FAILED.equals(state) || CANCELED.equals(state) || REJECTED.equals(state);
	}

	/**
	 * Whether a blocking send stops waiting in this state: terminal, or waiting for a
	 * person.
	 * @param state a {@code TaskState} name
	 * @return {@code true} when the client should act or read the outcome
	 */
	static boolean settled(String state) {
		return terminal(state) || INPUT_REQUIRED.equals(state) || AUTH_REQUIRED.equals(state);
	}

	/**
	 * Nexus states an A2A state filter lists (canceled and rejected both read
	 * {@code cancelled}; the caller tells them apart by {@link #state}).
	 * @param state a {@code TaskState} name
	 * @return the Nexus states
	 */
	static TaskStatus[] nexusStates(String state) {
		return switch (state) {
			case SUBMITTED -> new TaskStatus[] { TaskStatus.PENDING, TaskStatus.QUEUED, TaskStatus.ASSIGNED };
			case WORKING ->
				new TaskStatus[] { TaskStatus.PENDING, TaskStatus.QUEUED, TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS };
			case INPUT_REQUIRED -> new TaskStatus[] { TaskStatus.INPUT_REQUIRED };
			case AUTH_REQUIRED -> new TaskStatus[] { TaskStatus.AWAITING_APPROVAL };
			case COMPLETED -> new TaskStatus[] { TaskStatus.COMPLETED };
			case FAILED -> new TaskStatus[] { TaskStatus.FAILED };
			case CANCELED, REJECTED -> new TaskStatus[] { TaskStatus.CANCELLED };
			default -> throw A2aError.invalidParams("Unknown task state '" + state + "'");
		};
	}

	/**
	 * The A2A {@code Task}.
	 * @param task the Nexus task
	 * @param contextId its A2A context
	 * @return the task as ProtoJSON
	 */
	ObjectNode task(Task task, String contextId) {
		ObjectNode node = this.json.createObjectNode();
		node.put("id", task.id().value());
		node.put("contextId", contextId);
		node.set("status", status(task, contextId));
		ObjectNode artifact = artifact(task);
		if (artifact != null) {
			node.putArray("artifacts").add(artifact);
		}
		node.set("metadata", metadata(task));
		return node;
	}

	/**
	 * The A2A {@code TaskStatus}: the state, a message from the agent's side when there
	 * is something to say (progress, the question asked, why it failed), and the time.
	 * @param task the Nexus task
	 * @param contextId its A2A context
	 * @return the status as ProtoJSON
	 */
	ObjectNode status(Task task, String contextId) {
		String state = state(task);
		ObjectNode status = this.json.createObjectNode();
		status.put("state", state);
		ArrayNode parts = this.json.createArrayNode();
		switch (state) {
			case WORKING -> {
				if (task.progressMessage() != null) {
					parts.addObject().put("text", task.progressMessage());
				}
			}
			case INPUT_REQUIRED -> question(task).ifPresent((question) -> {
				parts.addObject().put("text", question.prompt());
				if (question.schemaJson() != null) {
					ObjectNode schema = parts.addObject();
					schema.set("data", read(question.schemaJson()));
					schema.put("mediaType", "application/schema+json");
				}
			});
			case AUTH_REQUIRED -> parts.addObject().put("text", "The task waits for a person's approval in Nexus");
			case FAILED, CANCELED, REJECTED -> {
				if (task.statusReason() != null) {
					parts.addObject().put("text", task.statusReason());
				}
			}
			default -> {
			}
		}
		if (!parts.isEmpty()) {
			ObjectNode message = status.putObject("message");
			message.put("messageId", task.id().value() + "-" + state + "-" + task.updatedAt().toEpochMilli());
			message.put("contextId", contextId);
			message.put("taskId", task.id().value());
			message.put("role", "ROLE_AGENT");
			message.set("parts", parts);
		}
		status.put("timestamp", task.updatedAt().toString());
		return status;
	}

	/**
	 * The result of a completed task, as the artifact {@code result}: a data part for
	 * JSON values, a text part for a string.
	 * @param task the Nexus task
	 * @return the artifact, or {@code null} if the task has no result (yet)
	 */
	@Nullable ObjectNode artifact(Task task) {
		if (task.status() != TaskStatus.COMPLETED || task.resultJson() == null) {
			return null;
		}
		JsonNode result = read(task.resultJson());
		ObjectNode artifact = this.json.createObjectNode();
		artifact.put("artifactId", "result");
		artifact.put("name", "result");
		ObjectNode part = artifact.putArray("parts").addObject();
		if (result.isString()) {
			part.put("text", result.asString());
		}
		else {
			part.set("data", result);
		}
		return artifact;
	}

	private ObjectNode metadata(Task task) {
		ObjectNode metadata = this.json.createObjectNode();
		ObjectNode nexus = metadata.putObject("nexus");
		nexus.put("status", task.status().wireName());
		nexus.put("priority", task.priority().wireName());
		nexus.put("attempts", task.attempts());
		ArrayNode capabilities = nexus.putArray("requiredCapabilities");
		task.requiredCapabilities().forEach(capabilities::add);
		if (task.progress() != null) {
			nexus.put("progress", task.progress());
		}
		if (task.assignedAgent() != null) {
			nexus.put("agentId", task.assignedAgent().value());
		}
		if (task.fairnessKey() != null) {
			nexus.put("fairnessKey", task.fairnessKey());
		}
		return metadata;
	}

	private Optional<InputQuestion> question(Task task) {
		return this.inputs.latest(task.id()).filter(InputQuestion::isOpen);
	}

	private JsonNode read(String text) {
		try {
			return this.json.readTree(text);
		}
		catch (JacksonException ex) {
			return this.json.getNodeFactory().stringNode(text);
		}
	}

}
