package io.nexus.server.tasks;

import java.time.Instant;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentId;
import org.jspecify.annotations.Nullable;

/**
 * A task changed state (published inside the transaction; listeners that talk to agents
 * wait for the commit).
 *
 * @param taskId the task
 * @param from the status before ({@code null} at creation)
 * @param to the status after
 * @param agent the agent that holds the task afterwards
 * @param previousAgent the agent that held it before, if any
 * @param leaseEpoch the lease epoch afterwards
 * @param previousEpoch the lease epoch before
 * @param reason why
 * @param actor who made the change ({@code agent:<id>} for agents, {@code system},
 * {@code dispatcher}, or a user name)
 * @param byDispatcher whether the dispatcher made the change (and delivers it itself)
 * @param task the task as it was read just before the change (as created, at creation):
 * its priority, category, capabilities and timestamps, for metrics
 * @param at when the change was made
 */
public record TaskStatusChanged(TaskId taskId, @Nullable TaskStatus from, TaskStatus to, @Nullable AgentId agent,
		@Nullable AgentId previousAgent, long leaseEpoch, long previousEpoch, @Nullable String reason, String actor,
		boolean byDispatcher, Task task, Instant at) {

	/**
	 * Whether an agent lost a task it held or was about to receive.
	 * @return {@code true} when the previous holder no longer holds it under the same
	 * lease
	 */
	public boolean endsLease() {
		// a task waiting for a person's input keeps its lease, and gets it back running
		return this.previousAgent != null
				&& (this.from == TaskStatus.ASSIGNED || this.from == TaskStatus.IN_PROGRESS
						|| this.from == TaskStatus.INPUT_REQUIRED)
				&& this.to != TaskStatus.IN_PROGRESS && this.to != TaskStatus.INPUT_REQUIRED;
	}

	/**
	 * Whether the agent that held the task made this change itself.
	 * @return {@code true} for the agent's own completion or failure
	 */
	public boolean byPreviousAgent() {
		return this.previousAgent != null && this.actor.equals("agent:" + this.previousAgent.value());
	}

}
