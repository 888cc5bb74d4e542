package io.nexus.server.agents;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.nexus.protocol.AgentStatus;
import org.jspecify.annotations.Nullable;

/**
 * A registered agent as stored.
 *
 * @param id its id
 * @param name a human name
 * @param status its operational status
 * @param capabilities what it can do, sorted
 * @param priorityScore preference among eligible agents (higher wins)
 * @param maxConcurrency how many tasks it may run at once
 * @param labels free-form key/value labels
 * @param online whether it holds a connection now
 * @param cpuUsage last reported CPU use, percent
 * @param memoryUsage last reported memory use, percent
 * @param lastSeenAt when it last reported anything
 * @param createdAt when it was registered
 * @param updatedAt when it last changed
 * @param seq the storage order, for paging
 * @param enrollmentScope the capabilities of the enrollment key it enrolled with, which
 * bound every task it may run; {@code null} for an agent registered by an operator
 * @param quarantine why it is in quarantine, or {@code null} if it is not
 */
public record Agent(AgentId id, String name, AgentStatus status, List<String> capabilities, int priorityScore,
		int maxConcurrency, Map<String, String> labels, boolean online, @Nullable Double cpuUsage,
		@Nullable Double memoryUsage, @Nullable Instant lastSeenAt, Instant createdAt, Instant updatedAt, long seq,
		@Nullable List<String> enrollmentScope, @Nullable AgentQuarantine quarantine) implements Serializable {

	/**
	 * The capabilities it may use: all of them, or for an agent enrolled with a key only
	 * those the key covers.
	 * @return its capabilities within its enrollment scope
	 */
	public List<String> capabilitiesInScope() {
		List<String> scope = this.enrollmentScope;
		return (scope == null) ? this.capabilities : this.capabilities.stream().filter(scope::contains).toList();
	}

	/**
	 * Whether this agent has every one of the given capabilities.
	 * @param required the capabilities a task needs
	 * @return {@code true} if none is missing
	 */
	public boolean hasCapabilities(List<String> required) {
		return this.capabilities.containsAll(required);
	}

	/**
	 * The capabilities of {@code required} that this agent lacks.
	 * @param required the capabilities a task needs
	 * @return the missing ones, in the order given
	 */
	public List<String> missingCapabilities(List<String> required) {
		return required.stream().filter((capability) -> !this.capabilities.contains(capability)).toList();
	}

}
