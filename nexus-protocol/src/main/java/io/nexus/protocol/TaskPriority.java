package io.nexus.protocol;

import java.util.Arrays;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How urgent a task is. Higher priorities are dispatched first; within a priority, first
 * in, first out.
 */
public enum TaskPriority {

	/** Background work. */
	LOW(1),
	/** The default. */
	MEDIUM(2),
	/** Ahead of ordinary work. */
	HIGH(3),
	/** Ahead of everything else. */
	CRITICAL(4);

	private final int rank;

	TaskPriority(int rank) {
		this.rank = rank;
	}

	/**
	 * A number that orders priorities: larger is more urgent.
	 * @return the rank, 1 (low) to 4 (critical)
	 */
	public int rank() {
		return this.rank;
	}

	/**
	 * The wire name, as in the seed: {@code high}.
	 * @return the lower-case name
	 */
	@JsonValue
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Parses a wire name.
	 * @param value the wire name, such as {@code high}
	 * @return the priority
	 * @throws IllegalArgumentException if the value names no priority
	 */
	@JsonCreator
	public static TaskPriority fromWireName(String value) {
		return Arrays.stream(values())
			.filter((priority) -> priority.wireName().equals(value))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException(
					"Unknown task priority '" + value + "'; expected one of low, medium, high, critical"));
	}

	/**
	 * The priority with the given rank.
	 * @param rank 1 to 4
	 * @return the priority
	 */
	public static TaskPriority ofRank(int rank) {
		return Arrays.stream(values())
			.filter((priority) -> priority.rank == rank)
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No priority has rank " + rank));
	}

}
