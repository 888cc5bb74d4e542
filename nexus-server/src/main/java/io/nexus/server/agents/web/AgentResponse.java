package io.nexus.server.agents.web;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nexus.protocol.AgentStatus;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.QuarantineView;
import org.jspecify.annotations.Nullable;

/**
 * An agent as the API shows it. {@code token} appears only in the answer to registration.
 *
 * @param id the agent's id
 * @param name its name
 * @param status its operational status
 * @param online whether it is connected now
 * @param capabilities what it can do
 * @param priorityScore its priority score
 * @param maxConcurrency how many tasks it may run at once
 * @param labels its labels
 * @param performance last reported resource use
 * @param lastSeenAt when it last reported
 * @param createdAt when it was registered
 * @param updatedAt when it last changed
 * @param quarantine why it gets no new work, or {@code null} if it is not in quarantine
 * @param token its secret token, shown once
 */
record AgentResponse(String id, String name, AgentStatus status, boolean online, List<String> capabilities,
		int priorityScore, int maxConcurrency, Map<String, String> labels, Performance performance,
		@Nullable Instant lastSeenAt, Instant createdAt, Instant updatedAt, @Nullable QuarantineView quarantine,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String token) {

	record Performance(@Nullable Double cpuUsage, @Nullable Double memoryUsage) {

	}

	static AgentResponse of(Agent agent) {
		return of(agent, null);
	}

	static AgentResponse of(Agent agent, @Nullable String token) {
		return new AgentResponse(agent.id().value(), agent.name(), agent.status(), agent.online(), agent.capabilities(),
				agent.priorityScore(), agent.maxConcurrency(), agent.labels(),
				new Performance(agent.cpuUsage(), agent.memoryUsage()), agent.lastSeenAt(), agent.createdAt(),
				agent.updatedAt(), QuarantineView.of(agent.quarantine(), Instant.now()), token);
	}

}
