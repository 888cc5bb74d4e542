package io.nexus.sdk;

import java.time.Duration;
import java.util.concurrent.CancellationException;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One assignment of a task to this agent, as a {@link TaskHandler} sees it.
 */
public interface TaskContext {

	/**
	 * The task's id.
	 * @return the id
	 */
	String taskId();

	/**
	 * The fencing number of this assignment; the SDK echoes it in every frame.
	 * @return the lease epoch
	 */
	long leaseEpoch();

	/**
	 * Which attempt this is, from 1.
	 * @return the attempt
	 */
	int attempt();

	/**
	 * The task's title.
	 * @return the title
	 */
	String title();

	/**
	 * How long this attempt may run before Nexus cancels it.
	 * @return the timeout, or {@link Duration#ZERO} if Nexus gave none
	 */
	Duration timeout();

	/**
	 * The task's input.
	 * @return the payload ({@code NullNode} when the task has none)
	 */
	JsonNode payload();

	/**
	 * The task's input converted to a type, with the agent's data mapper (field names as
	 * they are in the payload).
	 * @param <T> the type
	 * @param type the type
	 * @return the payload, or {@code null} when the task has none
	 * @throws IllegalArgumentException if the payload does not fit the type
	 */
	<T> @Nullable T payloadAs(Class<T> type);

	/**
	 * Reports how far the task has got. Sent at once when connected, dropped otherwise (a
	 * later report replaces it anyway); ignored once the task is cancelled.
	 * @param percent percent done, clamped to 0..100
	 * @param message a short note, or {@code null}
	 */
	void progress(double percent, @Nullable String message);

	/**
	 * Whether Nexus cancelled the task (or the agent stopped): the handler should stop
	 * soon. Its result will not be sent.
	 * @return {@code true} once cancelled
	 */
	boolean isCancelled();

	/**
	 * Stops the handler if the task was cancelled.
	 * @throws CancellationException if {@link #isCancelled()}
	 */
	default void throwIfCancelled() {
		if (isCancelled()) {
			throw new CancellationException("Task " + taskId() + " was cancelled");
		}
	}

}
