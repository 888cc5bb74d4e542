package io.nexus.server.tasks;

import java.util.regex.Pattern;

import io.nexus.server.shared.Ids;
import io.nexus.server.shared.InvalidRequestException;

/**
 * The id of a task: made by Nexus ({@code task_...}) or chosen by the client so that
 * tasks of one batch can name each other as dependencies.
 *
 * @param value the id, 1 to 64 letters, digits, {@code _ . -}
 */
public record TaskId(String value) {

	/** The shape of a task id. */
	public static final String PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$";

	private static final Pattern COMPILED = Pattern.compile(PATTERN);

	public TaskId {
		if (!COMPILED.matcher(value).matches()) {
			throw InvalidRequestException.badRequest("invalid_task_id",
					"task id must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit");
		}
	}

	public static TaskId generate() {
		return new TaskId(Ids.next("task"));
	}

	@Override
	public String toString() {
		return this.value;
	}

}
