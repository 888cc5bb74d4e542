package io.nexus.server.tasks;

/**
 * A task row that dispatch found but could not read: a stored value of it failed its
 * integrity check or could not be decoded. Such a task can never be delivered, so it is
 * failed instead of blocking the queue (poison-message handling).
 *
 * @param id the task
 * @param column the column that could not be read ({@code payload}, {@code result}, or
 * {@code row} when it is not one column)
 * @param reason why, in a few words, without any of the stored value
 */
public record UnreadableTask(TaskId id, String column, String reason) {

	/**
	 * The {@code status_reason} of the task once it is failed, such as
	 * {@code payload_unreadable: encrypted value failed its integrity check}.
	 * @return the reason
	 */
	public String failureReason() {
		return this.column + "_unreadable: " + this.reason;
	}

}
