package io.nexus.server.webhooks;

import java.util.Arrays;
import java.util.Optional;

/**
 * The events a webhook subscription may ask for, by their wire names.
 */
public enum WebhookEventType {

	/** A task completed. */
	TASK_COMPLETED("task.completed"),
	/** A task failed for good (no retry left, or closed as failed). */
	TASK_FAILED("task.failed"),
	/** A task was cancelled. */
	TASK_CANCELLED("task.cancelled"),
	/** A task waits for a human's approval. */
	TASK_AWAITING_APPROVAL("task.awaiting_approval"),
	/** A task's agent asked a human for input. */
	TASK_INPUT_REQUIRED("task.input_required"),
	/** An agent's connection was recorded on a node. */
	AGENT_ONLINE("agent.online"),
	/** An agent's connection closed (its reconnect grace starts). */
	AGENT_OFFLINE("agent.offline"),
	/** An agent was put in quarantine. */
	AGENT_QUARANTINED("agent.quarantined"),
	/** Queued work has waited too long without being dispatched. */
	QUEUE_STUCK("queue.stuck"),
	/** A scope's budget reached 80 % of its period. */
	BUDGET_WARNING("budget.warning"),
	/** A scope's budget is spent for its period. */
	BUDGET_SPENT("budget.spent");

	private final String wireName;

	WebhookEventType(String wireName) {
		this.wireName = wireName;
	}

	/**
	 * The name in the API and in the payload's {@code type}.
	 * @return the wire name, such as {@code task.completed}
	 */
	public String wireName() {
		return this.wireName;
	}

	/**
	 * The type with a wire name.
	 * @param wireName the name
	 * @return the type, or empty if there is none
	 */
	public static Optional<WebhookEventType> fromWireName(String wireName) {
		return Arrays.stream(values()).filter((type) -> type.wireName.equals(wireName)).findFirst();
	}

}
