package io.nexus.server.dashboard;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The four looks of the dashboard, after the seed's four front-ends. Each is a stylesheet
 * of its own on top of the shared layout.
 */
enum Theme {

	/** Light, calm and high-contrast (WCAG AA); the default. */
	MODERN("Modern"),
	/** Neon on near-black, angular panels. */
	CYBERPUNK("Cyberpunk"),
	/** Frosted translucent panels over a colourful backdrop. */
	GLASSMORPHISM("Glassmorphism"),
	/** Green phosphor terminal. */
	MATRIX("Matrix");

	private final String label;

	Theme(String label) {
		this.label = label;
	}

	String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	String label() {
		return this.label;
	}

	static Optional<Theme> parse(@Nullable String value) {
		if (value == null) {
			return Optional.empty();
		}
		String wanted = value.trim().toLowerCase(Locale.ROOT);
		if (wanted.equals("glass")) {
			return Optional.of(GLASSMORPHISM);
		}
		return Arrays.stream(values()).filter((theme) -> theme.id().equals(wanted)).findFirst();
	}

}
