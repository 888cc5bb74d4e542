package io.nexus.server.dashboard;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import io.nexus.server.shared.InvalidRequestException;
import org.jspecify.annotations.Nullable;

/**
 * Lists typed into one form field, separated by commas or spaces.
 */
final class FormLists {

	private FormLists() {
	}

	/**
	 * Splits and checks a list field.
	 * @param text what was typed
	 * @param pattern what each item must match
	 * @param max how many items at most
	 * @param field the field's label, for messages
	 * @return the items, without duplicates
	 */
	static List<String> split(@Nullable String text, String pattern, int max, String field) {
		if (text == null || text.isBlank()) {
			return List.of();
		}
		Pattern compiled = Pattern.compile(pattern);
		List<String> items = Arrays.stream(text.split("[,\\s]+")).filter((item) -> !item.isEmpty()).distinct().toList();
		if (items.size() > max) {
			throw InvalidRequestException.badRequest("invalid_" + field, field + ": at most " + max + " items");
		}
		for (String item : items) {
			if (!compiled.matcher(item).matches()) {
				throw InvalidRequestException.badRequest("invalid_" + field, field + ": '" + item
						+ "' is not a valid name (letters, digits and . _ - : /, starting with a letter or digit)");
			}
		}
		return items;
	}

}
