package io.nexus.server.agents;

import java.io.Serializable;
import java.time.Instant;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Why an agent is in quarantine: it gets no new work until its cool-down has passed and
 * one probe task has gone well, or until an operator releases it.
 *
 * @param reason what tripped it
 * @param detail the reason in words, with the numbers
 * @param evidence the signals that tripped it, as a JSON array
 * @param since when it was quarantined
 * @param cooldownUntil when the one probe task may be sent; {@code null} for a quarantine
 * that holds until released
 * @param trips openings since the breaker last closed (the cool-down grows with them)
 * @param actor {@code system} for the breaker, else the operator
 */
public record AgentQuarantine(Reason reason, String detail, String evidence, Instant since,
		@Nullable Instant cooldownUntil, int trips, String actor) implements Serializable {

	/** The actor of a quarantine the breaker decided. */
	public static final String SYSTEM = "system";

	/**
	 * Whether the one probe task may go now: the cool-down has passed.
	 * @param nowMillis the time, in epoch milliseconds
	 * @return {@code true} once half-open
	 */
	public boolean halfOpen(long nowMillis) {
		Instant until = this.cooldownUntil;
		return until != null && until.toEpochMilli() <= nowMillis;
	}

	/**
	 * The state an operator sees.
	 * @param now the time
	 * @return {@code open}, {@code half_open} or {@code held}
	 */
	public String state(Instant now) {
		if (this.cooldownUntil == null) {
			return "held";
		}
		return halfOpen(now.toEpochMilli()) ? "half_open" : "open";
	}

	/**
	 * What tripped a quarantine.
	 */
	public enum Reason {

		/** Too many failures in a row. */
		CONSECUTIVE_FAILURES,
		/** Too large a share of failures over the window. */
		FAILURE_RATE,
		/** Too many tasks ran past their timeout over the window. */
		TIMEOUTS,
		/**
		 * Assignments not accepted within the ack timeout while the agent kept beating.
		 */
		ZOMBIE,
		/** Too many reports for leases it no longer held, over the window. */
		STALE_REPORTS,
		/** The half-open probe task did not go well. */
		PROBE_FAILED,
		/** An operator quarantined it. */
		MANUAL;

		/**
		 * The wire name, such as {@code consecutive_failures}.
		 * @return the lower-case name
		 */
		public String wireName() {
			return name().toLowerCase(Locale.ROOT);
		}

		/**
		 * Parses a wire name.
		 * @param value the wire name
		 * @return the reason
		 */
		public static Reason fromWireName(String value) {
			return valueOf(value.toUpperCase(Locale.ROOT));
		}

	}

}
