package io.nexus.server;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough Markdown for the docs-truth tests: sections, pipe tables and code spans.
 */
final class Markdown {

	private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");

	private static final Pattern FENCE = Pattern.compile("(?ms)^```.*?^```\\s*$");

	private Markdown() {
	}

	/**
	 * The text of a section, from its heading to the next heading of the same or a higher
	 * level.
	 * @param text the document
	 * @param heading the heading line, such as {@code ## Close codes}
	 * @return the section's text without its heading
	 * @throws IllegalArgumentException if there is no such heading
	 */
	static String section(String text, String heading) {
		int level = heading.indexOf(' ');
		Matcher start = Pattern.compile("(?m)^" + Pattern.quote(heading) + "\\s*$").matcher(text);
		if (!start.find()) {
			throw new IllegalArgumentException("no heading '" + heading + "'");
		}
		Matcher next = Pattern.compile("(?m)^#{1," + level + "} ").matcher(text);
		int end = next.find(start.end()) ? next.start() : text.length();
		return text.substring(start.end(), end);
	}

	/**
	 * The code spans outside fenced blocks.
	 * @param text Markdown
	 * @return their contents, in order
	 */
	static List<String> codeSpans(String text) {
		List<String> spans = new ArrayList<>();
		Matcher matcher = CODE_SPAN.matcher(FENCE.matcher(text).replaceAll(""));
		while (matcher.find()) {
			spans.add(matcher.group(1));
		}
		return spans;
	}

	/**
	 * The pipe tables of a text.
	 * @param text Markdown
	 * @return each table, header first
	 */
	static List<Table> tables(String text) {
		List<Table> tables = new ArrayList<>();
		List<List<String>> rows = new ArrayList<>();
		for (String line : (text + "\n.").split("\n")) {
			if (line.startsWith("|")) {
				rows.add(cells(line));
			}
			else if (!rows.isEmpty()) {
				if (rows.size() >= 2 && rows.get(1).stream().allMatch((cell) -> cell.matches(":?-+:?"))) {
					tables.add(new Table(rows.get(0), List.copyOf(rows.subList(2, rows.size()))));
				}
				rows = new ArrayList<>();
			}
		}
		return tables;
	}

	private static List<String> cells(String line) {
		List<String> cells = new ArrayList<>();
		StringBuilder cell = new StringBuilder();
		boolean inCode = false;
		for (int i = 1; i < line.length(); i++) {
			char c = line.charAt(i);
			if (c == '`') {
				inCode = !inCode;
			}
			if (c == '|' && !inCode && line.charAt(i - 1) != '\\') {
				cells.add(cell.toString().strip());
				cell.setLength(0);
			}
			else {
				cell.append(c);
			}
		}
		return cells;
	}

	/**
	 * A pipe table.
	 *
	 * @param header the header cells
	 * @param rows the body rows' cells
	 */
	record Table(List<String> header, List<List<String>> rows) {

		List<String> column(int index) {
			return this.rows.stream().map((row) -> (index < row.size()) ? row.get(index) : "").toList();
		}

	}

}
