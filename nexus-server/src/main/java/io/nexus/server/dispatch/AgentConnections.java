package io.nexus.server.dispatch;

import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentId;
import io.nexus.server.tasks.AgentPresence;
import io.nexus.server.tasks.Task;

import org.springframework.stereotype.Component;

/**
 * The agents connected to this node, and the answer to "why is this task waiting?".
 */
@Component
public class AgentConnections implements AgentPresence {

	private final Map<AgentId, ConnectedAgent> connected = new ConcurrentHashMap<>();

	private final Clock clock;

	private final Eligibility eligibility;

	AgentConnections(Clock clock, Eligibility eligibility) {
		this.clock = clock;
		this.eligibility = eligibility;
	}

	/**
	 * Records a new connection; a previous connection of the same agent is returned so
	 * that the caller can close it.
	 * @param channel the connection
	 * @param agent the agent
	 * @param held how many tasks it holds
	 * @return the new entry and the replaced one, if any
	 */
	public Replacement connect(AgentChannel channel, Agent agent, int held) {
		ConnectedAgent entry = new ConnectedAgent(channel, agent, held, this.clock.instant());
		ConnectedAgent previous = this.connected.put(agent.id(), entry);
		return new Replacement(entry, Optional.ofNullable(previous));
	}

	/**
	 * Forgets a connection if it is still the agent's current one.
	 * @param agentId the agent
	 * @param channel the connection that closed
	 * @return {@code true} if it was current
	 */
	public boolean disconnect(AgentId agentId, AgentChannel channel) {
		ConnectedAgent entry = this.connected.get(agentId);
		return entry != null && entry.channel() == channel && this.connected.remove(agentId, entry);
	}

	public Optional<ConnectedAgent> get(AgentId agentId) {
		return Optional.ofNullable(this.connected.get(agentId));
	}

	public Collection<ConnectedAgent> all() {
		return this.connected.values();
	}

	public int count() {
		return this.connected.size();
	}

	@Override
	public boolean isConnected(AgentId agentId) {
		return this.connected.containsKey(agentId);
	}

	@Override
	public String whyWaiting(Task task) {
		return this.eligibility.whyWaiting(task, this.connected.values(), this.clock.instant());
	}

	/**
	 * The outcome of a connection.
	 *
	 * @param current the new connection
	 * @param replaced the connection it replaced, if any
	 */
	public record Replacement(ConnectedAgent current, Optional<ConnectedAgent> replaced) {

	}

}
