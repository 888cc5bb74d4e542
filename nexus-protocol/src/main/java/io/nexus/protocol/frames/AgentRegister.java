package io.nexus.protocol.frames;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The first frame of every connection: who the agent is and how it proves it. The seed's
 * form, {@code {"type":"agent_register","agent_id":"my_agent","agent_name":"My Agent"}},
 * plus {@code token} (unless the handshake carried {@code Authorization: Bearer}).
 *
 * @param type always {@value #TYPE}
 * @param id optional frame id
 * @param agentId the agent's id
 * @param agentName a human name
 * @param token the agent's token, or an enrollment key
 * @param capabilities what the agent can do (required when enrolling with a key)
 * @param maxConcurrency how many tasks it runs at once
 * @param protocolVersion the protocol version the agent speaks (default 1)
 * @param runningTasks tasks the agent is still running from an earlier connection
 */
public record AgentRegister(String type, @Nullable String id, String agentId, @Nullable String agentName,
		@Nullable String token, @Nullable List<String> capabilities, @Nullable Integer maxConcurrency,
		@Nullable Integer protocolVersion, @Nullable List<TaskLease> runningTasks) implements AgentFrame {

	/** The wire name. */
	public static final String TYPE = "agent_register";

	@Override
	public String toString() {
		return "AgentRegister[agentId=" + this.agentId + ", token=<redacted>]";
	}

}
