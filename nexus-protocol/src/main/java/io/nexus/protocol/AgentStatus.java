package io.nexus.protocol;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The operational status of an agent, set by operators or reported by the agent. Whether
 * the agent is connected right now is a separate fact ({@code online}).
 */
public enum AgentStatus {

	/** Ready for work (the seed's {@code active}). */
	ACTIVE,
	/** Ready for work and currently without any. */
	IDLE,
	/** Ready for work and currently busy. */
	BUSY,
	/** Takes no new work until resumed. */
	PAUSED,
	/** Finishes its current work, then pauses. */
	DRAINING,
	/** Out of service for maintenance; takes no new work. */
	MAINTENANCE,
	/** Reported a fault; takes no new work. */
	ERROR,
	/** Declared offline; takes no new work. */
	OFFLINE;

	private static final Set<AgentStatus> ACCEPTS_WORK = EnumSet.of(ACTIVE, IDLE, BUSY);

	/**
	 * Whether an agent in this status may be given new tasks.
	 * @return {@code true} for active, idle and busy
	 */
	public boolean acceptsNewWork() {
		return ACCEPTS_WORK.contains(this);
	}

	/**
	 * The wire name, such as {@code active}.
	 * @return the lower-case name
	 */
	@JsonValue
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Parses a wire name.
	 * @param value the wire name
	 * @return the status
	 * @throws IllegalArgumentException if the value names no status
	 */
	@JsonCreator
	public static AgentStatus fromWireName(String value) {
		return Arrays.stream(values())
			.filter((status) -> status.wireName().equals(value))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Unknown agent status '" + value
					+ "'; expected one of active, idle, busy, paused, draining, maintenance, error, offline"));
	}

}
