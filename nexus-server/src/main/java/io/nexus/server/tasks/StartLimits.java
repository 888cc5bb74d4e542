package io.nexus.server.tasks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Limits on how many tasks of a key may start (governance implements them): every
 * dispatch round opens a {@link Gate} inside its claiming transaction, reads only tasks
 * the gate does not hold, lets through only what fits, and tells the gate what started.
 */
public interface StartLimits {

	/**
	 * Opens the limits for one dispatch round, in its transaction; may lock rows until it
	 * ends, so that rounds on every node count the same.
	 * @param now the time
	 * @return the gate; {@link Gate#OPEN} when there are no limits (no I/O then)
	 */
	Gate open(Instant now);

	/**
	 * The limits as one dispatch round sees them.
	 */
	interface Gate {

		/** No limits: everything passes. */
		Gate OPEN = new Gate() {

			@Override
			public List<HeldKeys> held() {
				return List.of();
			}

			@Override
			public boolean admit(Task task) {
				return true;
			}

			@Override
			public void started(List<Task> won) {
			}

			@Override
			public @Nullable Duration retryAfter() {
				return null;
			}

		};

		/**
		 * Key values already at their limit when the round began.
		 * @return the held keys, often none
		 */
		List<HeldKeys> held();

		/**
		 * Whether the task may start, counting it as started if so (in memory).
		 * @param task a ready task, in dispatch order
		 * @return {@code true} if every limit has room for it
		 */
		boolean admit(Task task);

		/**
		 * Records the tasks the round claimed (they spend rate-limit tokens).
		 * @param won the tasks claimed
		 */
		void started(List<Task> won);

		/**
		 * When a rate limit that holds tasks back will have a token again.
		 * @return the wait, or {@code null} if no rate limit holds a task
		 */
		@Nullable Duration retryAfter();

	}

}
