package io.nexus.server.realtime;

import org.jspecify.annotations.Nullable;

/**
 * Percentages agents report (progress, CPU, memory), kept within 0-100.
 */
final class Percentages {

	private Percentages() {
	}

	static @Nullable Double clamp(@Nullable Double value) {
		if (value == null || value.isNaN()) {
			return null;
		}
		return Math.max(0, Math.min(100, value));
	}

}
