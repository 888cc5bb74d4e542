package io.nexus.server.tasks;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * A value computed from a task that limits count by: its category, its creator or its
 * fair-share key.
 */
public enum TaskKey {

	/** The task's category. */
	CATEGORY("t.category"),

	/** Who created the task (a user, an API key's owner). */
	CREATED_BY("t.created_by"),

	/** Who the task is for in fair share. */
	FAIRNESS_KEY("t.fairness_key");

	private final String column;

	TaskKey(String column) {
		this.column = column;
	}

	/**
	 * The column of the {@code tasks} table (aliased {@code t}) that holds the key.
	 * @return e.g. {@code t.category}
	 */
	public String column() {
		return this.column;
	}

	/**
	 * The key's name in the API.
	 * @return e.g. {@code created_by}
	 */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The key of the task; no allocation.
	 * @param task the task
	 * @return its value, or {@code null} if the task has none (a limit then does not
	 * apply)
	 */
	public @Nullable String of(Task task) {
		return switch (this) {
			case CATEGORY -> task.category();
			case CREATED_BY -> task.createdBy();
			case FAIRNESS_KEY -> task.fairnessKey();
		};
	}

	/**
	 * The key of a name in the API.
	 * @param wireName e.g. {@code category}
	 * @return the key
	 * @throws IllegalArgumentException if there is none of that name
	 */
	public static TaskKey fromWireName(String wireName) {
		return valueOf(wireName.toUpperCase(Locale.ROOT));
	}

}
