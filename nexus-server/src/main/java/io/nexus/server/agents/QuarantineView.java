package io.nexus.server.agents;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonRawValue;
import org.jspecify.annotations.Nullable;

/**
 * A quarantine as the API and the dashboard show it.
 *
 * @param state {@code open} (cooling down), {@code half_open} (one probe task at a time)
 * or {@code held} (until an operator releases it)
 * @param reason what tripped it, such as {@code zombie}
 * @param detail the reason in words, with the numbers
 * @param evidence the signals that tripped it: {@code signal}, {@code task_id},
 * {@code at}
 * @param since when it began
 * @param cooldownUntil when the probe task may go, if it ever does by itself
 * @param trips openings since the breaker last closed
 * @param by {@code system} or the operator
 */
public record QuarantineView(String state, String reason, String detail, @JsonRawValue String evidence, Instant since,
		@Nullable Instant cooldownUntil, int trips, String by) {

	/**
	 * The view of a quarantine at a moment.
	 * @param quarantine the quarantine, or {@code null}
	 * @param now the moment
	 * @return its view, or {@code null} for none
	 */
	public static @Nullable QuarantineView of(@Nullable AgentQuarantine quarantine, Instant now) {
		if (quarantine == null) {
			return null;
		}
		return new QuarantineView(quarantine.state(now), quarantine.reason().wireName(), quarantine.detail(),
				quarantine.evidence(), quarantine.since(), quarantine.cooldownUntil(), quarantine.trips(),
				quarantine.actor());
	}

}
