package io.nexus.cli;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** What the subcommands share: the root command, and checks of path segments. */
final class Commands {

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

	private Commands() {
	}

	static Nexusctl root(@Nullable Nexusctl root) {
		if (root == null) {
			throw new IllegalStateException("picocli did not inject the parent command");
		}
		return root;
	}

	/** An agent or task id, checked before it goes into a URL path. */
	static String id(String kind, String id) {
		if (!ID.matcher(id).matches()) {
			throw new CliException(
					"not a valid " + kind + " id: '" + id
							+ "' (1-64 letters, digits, '_', '.', '-', starting with a letter or digit)",
					Nexusctl.EXIT_USAGE);
		}
		return id;
	}

	static String text(JsonNode node, String field) {
		JsonNode value = node.path(field);
		return (value.isMissingNode() || value.isNull()) ? "" : value.asString();
	}

}
