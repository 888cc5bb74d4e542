package io.nexus.server.usage;

import org.jspecify.annotations.Nullable;

/**
 * What became of a usage report.
 *
 * @param outcome what happened
 * @param reason why it was refused or the task stopped, or {@code null}
 */
public record Charge(Outcome outcome, @Nullable String reason) {

	static final Charge COUNTED = new Charge(Outcome.COUNTED, null);

	static final Charge REPEATED = new Charge(Outcome.REPEATED, null);

	/**
	 * Whether the rest of the report (its progress, its result) may be stored.
	 * @return {@code true} unless the task was stopped or the report refused
	 */
	public boolean reportGoesOn() {
		return this.outcome == Outcome.COUNTED || this.outcome == Outcome.REPEATED;
	}

	/**
	 * What became of a usage report.
	 */
	public enum Outcome {

		/** Counted on the task and its budgets. */
		COUNTED,

		/**
		 * The report repeats a completion or failure already stored under the same lease:
		 * not counted again.
		 */
		REPEATED,

		/**
		 * Counted, and it took the task past its own budget: the task is cancelled with
		 * reason {@code budget_exceeded} and its agent told to stop.
		 */
		STOPPED,

		/**
		 * A scope budget of the task was already spent: nothing counted or stored, the
		 * task is cancelled with reason {@code budget_exceeded} and the agent gets an
		 * {@code error} frame {@code budget_exceeded}.
		 */
		REFUSED

	}

}
