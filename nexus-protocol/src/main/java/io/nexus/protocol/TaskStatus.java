package io.nexus.protocol;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The lifecycle of a task, with the one transition table that every part of Nexus obeys.
 *
 * <pre>
 * pending ──► queued ──► assigned ──► in_progress ──► completed | failed | cancelled
 *    │           ▲ ▲         │              │    ▲
 *    │           │ └─────────┴──────────────┤    │ answered
 *    │           │                          │    ▼
 *    │           │                          └─ input_required  (input_timeout, agent gone for good)
 *    └─► awaiting_approval ─┘  (approved; rejected or expired ends it cancelled)
 *                (ack timeout, lost agent, retry with backoff: back to queued)
 *   assigned | in_progress ──► awaiting_approval  (its own budget exceeded, on_exceed approval)
 * </pre>
 *
 * A task that needs a person's approval enters {@code awaiting_approval} once its
 * dependencies are met (at creation when it has none) and is never dispatched there. A
 * running task moves to {@code input_required} when its agent asks a person for input; it
 * keeps its lease and its timeout clock stops until the answer comes. A running task
 * whose own budget says {@code on_exceed: approval} moves to {@code awaiting_approval}
 * when it exceeds it: its agent stops it and loses the lease; approved, it is queued
 * again.
 *
 * Any task that is not terminal may also be closed by hand ({@code completed},
 * {@code failed}, {@code cancelled}). Terminal states are final.
 */
public enum TaskStatus {

	/** Waiting for its dependencies to complete. */
	PENDING,
	/** Ready to run; waiting for an eligible agent. */
	QUEUED,
	/** Sent to an agent that has not yet accepted it. */
	ASSIGNED,
	/** Accepted by an agent and running. */
	IN_PROGRESS,
	/**
	 * Running, but its agent waits for a person's answer; the timeout clock is paused.
	 */
	INPUT_REQUIRED,
	/** Finished successfully. */
	COMPLETED,
	/** Finished unsuccessfully, with a reason. */
	FAILED,
	/** Stopped by an operator or because a dependency did not complete. */
	CANCELLED,
	/** Ready but for a person's approval; never dispatched until approved. */
	AWAITING_APPROVAL;

	private static final Set<TaskStatus> TERMINAL = EnumSet.of(COMPLETED, FAILED, CANCELLED);

	private static final TaskStatus[] VALUES = values();

	private final String wireName = name().toLowerCase(Locale.ROOT);

	/**
	 * Whether the table allows a move from this state to {@code target}.
	 * @param target the state to move to
	 * @return {@code true} if the transition is legal
	 */
	public boolean canTransitionTo(TaskStatus target) {
		return allowedTargets().contains(target);
	}

	/**
	 * The states this one may move to; empty for terminal states.
	 * @return the legal targets
	 */
	public Set<TaskStatus> allowedTargets() {
		return switch (this) {
			case PENDING -> EnumSet.of(QUEUED, AWAITING_APPROVAL, COMPLETED, FAILED, CANCELLED);
			case AWAITING_APPROVAL -> EnumSet.of(QUEUED, COMPLETED, FAILED, CANCELLED);
			case QUEUED -> EnumSet.of(ASSIGNED, COMPLETED, FAILED, CANCELLED);
			case ASSIGNED -> EnumSet.of(IN_PROGRESS, QUEUED, AWAITING_APPROVAL, COMPLETED, FAILED, CANCELLED);
			case IN_PROGRESS -> EnumSet.of(QUEUED, INPUT_REQUIRED, AWAITING_APPROVAL, COMPLETED, FAILED, CANCELLED);
			case INPUT_REQUIRED -> EnumSet.of(IN_PROGRESS, QUEUED, COMPLETED, FAILED, CANCELLED);
			case COMPLETED, FAILED, CANCELLED -> EnumSet.noneOf(TaskStatus.class);
		};
	}

	/**
	 * Whether this state is final.
	 * @return {@code true} for completed, failed and cancelled
	 */
	public boolean isTerminal() {
		return TERMINAL.contains(this);
	}

	/**
	 * The wire name, as in the seed: {@code in_progress}.
	 * @return the lower-case name
	 */
	@JsonValue
	public String wireName() {
		return this.wireName;
	}

	/**
	 * Parses a wire name.
	 * @param value the wire name, such as {@code queued}
	 * @return the status
	 * @throws IllegalArgumentException if the value names no status
	 */
	@JsonCreator
	public static TaskStatus fromWireName(String value) {
		// called for every row read, so a plain loop rather than a stream
		for (TaskStatus status : VALUES) {
			if (status.wireName.equals(value)) {
				return status;
			}
		}
		throw new IllegalArgumentException(
				"Unknown task status '" + value + "'; expected one of " + Arrays.toString(wireNames()));
	}

	static String[] wireNames() {
		return Arrays.stream(values()).map(TaskStatus::wireName).toArray(String[]::new);
	}

}
