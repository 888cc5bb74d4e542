package io.nexus.server.schedules;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import io.nexus.server.shared.InvalidRequestException;

/**
 * What a schedule does at a fire time while the task of its previous fire has not
 * finished.
 */
public enum Overlap {

	/** Create no task for this fire time. */
	SKIP,

	/** Create the task anyway. */
	ALLOW,

	/** Cancel the previous task, then create the new one. */
	CANCEL_PREVIOUS;

	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static Overlap fromWireName(String value) {
		return Arrays.stream(values())
			.filter((overlap) -> overlap.wireName().equals(value))
			.findFirst()
			.orElseThrow(() -> InvalidRequestException.unprocessable("schedule_invalid",
					"overlap: one of skip, allow, cancel_previous", Map.of("field", "overlap")));
	}

}
