package io.nexus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The results of a run, as text for people and as JSON for tools.
 */
final class Report {

	private static final JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private final StringBuilder text = new StringBuilder();

	private final Map<String, Object> data = new LinkedHashMap<>();

	Report(String kind) {
		this.data.put("kind", kind);
	}

	/** Adds a figure: a line of text and a JSON field. */
	Report figure(String key, String label, Object value) {
		this.data.put(key, value);
		return line(String.format(Locale.ROOT, "%-34s %s", label, format(value)));
	}

	/** Adds a latency histogram summary. */
	Report latency(String key, String label, LatencySummary summary) {
		this.data.put(key, summary.json());
		return line(String.format(Locale.ROOT, "%-34s %s", label, summary.text()));
	}

	/** Adds a JSON field that the text leaves out. */
	Report data(String key, Object value) {
		this.data.put(key, value);
		return this;
	}

	/**
	 * Adds a part, such as one phase of a closed-loop run: its lines indented under a
	 * title, its data under a key.
	 */
	Report part(String key, String title, Report part) {
		this.data.put(key, part.data);
		line(title);
		part.text.toString().lines().forEach((line) -> line("  " + line));
		return this;
	}

	Report line(String line) {
		this.text.append(line).append('\n');
		return this;
	}

	String text() {
		return this.text.toString();
	}

	Map<String, Object> data() {
		return this.data;
	}

	void writeJson(Path path) throws IOException {
		Files.writeString(path, json.writeValueAsString(this.data) + "\n");
	}

	private static String format(Object value) {
		if (value instanceof Double number) {
			return String.format(Locale.ROOT, "%,.1f", number);
		}
		if (value instanceof Long || value instanceof Integer) {
			return String.format(Locale.ROOT, "%,d", value);
		}
		return String.valueOf(value);
	}

}
