package io.nexus.server.realtime;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nexus.protocol.AgentStatus;
import io.nexus.protocol.frames.Heartbeat;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.agents.AgentSamples;
import io.nexus.server.dispatch.AgentConnections;
import io.nexus.server.dispatch.ConnectedAgent;
import io.nexus.server.shared.InvalidRequestException;

import org.springframework.stereotype.Component;

/**
 * Signs of life and what an agent says about itself: heartbeats (resource use, round
 * trip, samples of its history), any frame or pong as a touch, and the status it reports.
 */
@Component
class AgentHeartbeats {

	private static final Duration[] LATENCY_BUCKETS = { Duration.ofMillis(1), Duration.ofMillis(5),
			Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
			Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
			Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30) };

	/** Statuses an agent may report about itself; paused belongs to operators. */
	private static final Set<AgentStatus> SELF_REPORTED = Set.of(AgentStatus.ACTIVE, AgentStatus.IDLE, AgentStatus.BUSY,
			AgentStatus.MAINTENANCE, AgentStatus.ERROR, AgentStatus.DRAINING);

	private final AgentRegistry registry;

	private final AgentConnections connections;

	private final AgentSamples samples;

	private final Clock clock;

	private final Timer heartbeatLatency;

	AgentHeartbeats(AgentRegistry registry, AgentConnections connections, AgentSamples samples, Clock clock,
			MeterRegistry meters) {
		this.registry = registry;
		this.connections = connections;
		this.samples = samples;
		this.clock = clock;
		// The seed's "communication latency": agent clock at send to Nexus clock at
		// receipt (docs/metrics.md).
		this.heartbeatLatency = Timer.builder("nexus.agent.heartbeat.latency")
			.description("Time from a heartbeat's sent_at (agent clock) to its receipt (Nexus clock)")
			.serviceLevelObjectives(LATENCY_BUCKETS)
			.register(meters);
	}

	/**
	 * Records a heartbeat: the agent's latest resource use, its round-trip time, and a
	 * sample of its resource history when one is due.
	 * @param agentId the agent
	 * @param frame the heartbeat
	 */
	void heartbeat(AgentId agentId, Heartbeat frame) {
		touch(agentId);
		Double cpu = Percentages.clamp(frame.cpuUsage());
		Double memory = Percentages.clamp(frame.memoryUsage());
		ConnectedAgent connected = this.connections.get(agentId).orElse(null);
		if (connected != null) {
			connected.recordUsage(cpu, memory);
		}
		if (frame.sentAt() != null) {
			long rtt = this.clock.millis() - frame.sentAt();
			if (rtt >= 0 && rtt < Duration.ofMinutes(1).toMillis()) {
				if (connected != null) {
					connected.recordLatency(rtt);
				}
				this.heartbeatLatency.record(rtt, TimeUnit.MILLISECONDS);
			}
		}
		this.registry.recordHeartbeat(agentId, cpu, memory);
		int active = (connected != null) ? connected.held()
				: (frame.runningTasks() != null) ? frame.runningTasks().size() : 0;
		this.samples.offer(agentId, cpu, memory, active);
	}

	/**
	 * A sign of life: any frame or pong of a registered connection.
	 * @param agentId the agent
	 */
	void touch(AgentId agentId) {
		this.connections.get(agentId).ifPresent((agent) -> agent.touch(this.clock.instant()));
	}

	/**
	 * Applies a status the agent reports about itself; it cannot leave {@code paused},
	 * which only an operator can.
	 * @param agentId the agent
	 * @param status the reported status
	 */
	void statusUpdate(AgentId agentId, String status) {
		AgentStatus reported;
		try {
			reported = AgentStatus.fromWireName(status);
		}
		catch (IllegalArgumentException ex) {
			throw InvalidRequestException.badRequest("invalid_frame", ex.getMessage());
		}
		if (!SELF_REPORTED.contains(reported)) {
			throw InvalidRequestException.badRequest("invalid_frame",
					"an agent may report only active, idle, busy, maintenance, error or draining");
		}
		if (reported == AgentStatus.DRAINING) {
			this.connections.get(agentId).ifPresent(ConnectedAgent::closing);
			return;
		}
		Agent current = this.registry.get(agentId);
		boolean operatorHold = current.status() == AgentStatus.PAUSED || current.status() == AgentStatus.DRAINING;
		if (!operatorHold && current.status() != reported) {
			this.registry.setStatus(agentId, reported);
		}
	}

}
