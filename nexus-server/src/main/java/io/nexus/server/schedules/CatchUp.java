package io.nexus.server.schedules;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import io.nexus.server.shared.InvalidRequestException;

/**
 * What a schedule does with fire times it missed (no node fired it in time, such as while
 * every node was down): a fire time is missed once it is more than
 * {@code nexus.schedules.misfire-grace} in the past.
 */
public enum CatchUp {

	/** Skip missed fire times; go on with the next one. */
	NONE,

	/** Fire the most recent missed fire time once. */
	LATEST,

	/**
	 * Fire every missed fire time, up to {@code nexus.schedules.max-catch-up} of them
	 * (the most recent).
	 */
	ALL;

	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static CatchUp fromWireName(String value) {
		return Arrays.stream(values())
			.filter((catchUp) -> catchUp.wireName().equals(value))
			.findFirst()
			.orElseThrow(() -> InvalidRequestException.unprocessable("schedule_invalid",
					"catch_up: one of none, latest, all", Map.of("field", "catch_up")));
	}

}
