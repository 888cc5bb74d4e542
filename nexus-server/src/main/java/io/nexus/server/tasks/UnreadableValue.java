package io.nexus.server.tasks;

import org.jspecify.annotations.Nullable;

/**
 * A stored value of a task that could not be read: it failed its integrity check, or it
 * is encrypted with a key this server does not have. The task is still read, with the
 * value {@code null}, so that one such value never breaks reads of the task's other
 * fields, of other tasks, of lists or of an agent's registration. Nothing of the stored
 * value is kept.
 *
 * @param column the column, {@code payload} or {@code result}
 * @param keyMissing whether its key is missing ({@code false}: it failed its integrity
 * check)
 * @param keyId the key id it is stored under
 */
public record UnreadableValue(String column, boolean keyMissing, @Nullable String keyId) {

	/** The payload column. */
	public static final String PAYLOAD = "payload";

	/** The result column. */
	public static final String RESULT = "result";

	/**
	 * Why the value cannot be read, in a few words.
	 * @return the reason, such as {@code integrity check failed} or
	 * {@code key k123 missing}
	 */
	public String reason() {
		return this.keyMissing ? "key " + this.keyId + " missing" : "integrity check failed";
	}

	/**
	 * The column and the reason, as the API and the dashboard show them.
	 * @return such as {@code payload: integrity check failed}
	 */
	public String describe() {
		return this.column + ": " + reason();
	}

}
