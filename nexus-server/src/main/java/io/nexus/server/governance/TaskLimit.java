package io.nexus.server.governance;

import java.time.Instant;

import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskKey;
import org.jspecify.annotations.Nullable;

/**
 * A limit on tasks by key: of each value of the key (each category, each creator), at
 * most {@code maxRunning} assigned or in progress at once, and at most
 * {@code ratePerSecond} started per second with bursts of {@code burst} (a token bucket).
 * A task without a value for the key, or outside {@code matchCategory}, is not limited.
 *
 * @param id its id
 * @param name a unique name, shown in waiting reasons and metrics
 * @param key what the tasks are counted by
 * @param matchCategory only tasks of this category are limited, or all if {@code null}
 * @param maxRunning at most this many running per key value, or no such limit
 * @param ratePerSecond at most this many started per second per key value, or no such
 * limit
 * @param burst how many may start at once after a quiet spell (with a rate)
 * @param createdBy the admin who created it
 * @param createdAt when
 * @param updatedAt when it last changed
 */
public record TaskLimit(String id, String name, TaskKey key, @Nullable String matchCategory,
		@Nullable Integer maxRunning, @Nullable Double ratePerSecond, @Nullable Integer burst, String createdBy,
		Instant createdAt, Instant updatedAt) {

	/**
	 * Whether the limit counts the task; no allocation.
	 * @param task the task
	 * @return {@code true} if the task has a value for the key and is of the matched
	 * category, if any
	 */
	public boolean applies(Task task) {
		return this.key.of(task) != null && (this.matchCategory == null || this.matchCategory.equals(task.category()));
	}

	/**
	 * The bucket size of the rate limit.
	 * @return {@code burst}, or 1 if none was given
	 */
	public int bucketSize() {
		return (this.burst != null) ? this.burst : 1;
	}

	/**
	 * The limit in words.
	 * @return e.g.
	 * {@code at most 2 running and 5/s (burst 5) per category in category build}
	 */
	public String describe() {
		StringBuilder text = new StringBuilder("at most ");
		if (this.maxRunning != null) {
			text.append(this.maxRunning).append(" running");
		}
		if (this.ratePerSecond != null) {
			text.append((this.maxRunning != null) ? " and " : "")
				.append(this.ratePerSecond)
				.append(" started/s (burst ")
				.append(bucketSize())
				.append(")");
		}
		text.append(" per ").append(this.key.wireName());
		if (this.matchCategory != null) {
			text.append(" of category ").append(this.matchCategory);
		}
		return text.toString();
	}

}
