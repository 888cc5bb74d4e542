package io.nexus.protocol.frames;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Nexus accepted the registration.
 *
 * @param type always {@value #TYPE}
 * @param agentId the agent's id
 * @param protocolVersion the protocol version Nexus speaks
 * @param heartbeatIntervalSeconds how often the agent must send a heartbeat
 * @param token a new token, only when the agent enrolled with a key (keep it; shown once)
 * @param resumedTasks leases that survived the reconnection
 */
public record Registered(String type, String agentId, int protocolVersion, int heartbeatIntervalSeconds,
		@Nullable String token, List<TaskLease> resumedTasks) implements ServerFrame {

	/** The wire name. */
	public static final String TYPE = "registered";

	public Registered(String agentId, int heartbeatIntervalSeconds, @Nullable String token,
			List<TaskLease> resumedTasks) {
		this(TYPE, agentId, PROTOCOL_VERSION, heartbeatIntervalSeconds, token, resumedTasks);
	}

	@Override
	public String toString() {
		return "Registered[agentId=" + this.agentId + ", resumedTasks=" + this.resumedTasks + "]";
	}

}
