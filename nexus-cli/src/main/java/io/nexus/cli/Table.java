package io.nexus.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A plain text table with left-aligned columns separated by two spaces, as
 * {@code kubectl} prints them: easy to read and to cut with {@code awk}.
 */
final class Table {

	private final List<String[]> rows = new ArrayList<>();

	private final int columns;

	private Table(String... headers) {
		this.columns = headers.length;
		this.rows.add(headers);
	}

	static Table withHeaders(String... headers) {
		return new Table(headers);
	}

	Table row(@Nullable Object... values) {
		if (values.length != this.columns) {
			throw new IllegalArgumentException("expected " + this.columns + " values, got " + values.length);
		}
		this.rows.add(Arrays.stream(values).map(Table::cell).toArray(String[]::new));
		return this;
	}

	int size() {
		return this.rows.size() - 1;
	}

	String render() {
		int[] widths = new int[this.columns];
		for (String[] row : this.rows) {
			for (int i = 0; i < this.columns; i++) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		StringBuilder out = new StringBuilder();
		for (String[] row : this.rows) {
			StringBuilder line = new StringBuilder();
			for (int i = 0; i < this.columns; i++) {
				line.append(row[i]);
				if (i < this.columns - 1) {
					line.append(" ".repeat(widths[i] - row[i].length() + 2));
				}
			}
			out.append(line.toString().stripTrailing()).append('\n');
		}
		return out.toString();
	}

	private static String cell(@Nullable Object value) {
		String text = (value != null) ? value.toString() : "";
		String oneLine = text.replaceAll("[\\r\\n\\t]+", " ");
		return oneLine.isEmpty() ? "-" : oneLine;
	}

}
