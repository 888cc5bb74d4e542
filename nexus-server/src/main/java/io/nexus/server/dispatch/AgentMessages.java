package io.nexus.server.dispatch;

import io.nexus.protocol.frames.AgentMessage;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.shared.InvalidRequestException;

import org.springframework.stereotype.Service;

/**
 * Routes messages between agents: to one agent or to every agent with a capability,
 * connected to this node or, through {@link ClusterWakeups}, to the other nodes.
 */
@Service
public class AgentMessages {

	private final AgentConnections connections;

	private final AgentRegistry registry;

	private final ClusterWakeups cluster;

	AgentMessages(AgentConnections connections, AgentRegistry registry, ClusterWakeups cluster) {
		this.connections = connections;
		this.registry = registry;
		this.cluster = cluster;
	}

	/**
	 * Delivers a message to one agent or to every connected agent with a capability, on
	 * this node and, on PostgreSQL, on the others.
	 * @param from the sender
	 * @param message the message
	 * @return how many agents of this node received it (a relayed message to one agent
	 * counts as one)
	 */
	public int message(AgentId from, AgentMessage message) {
		AgentMessage delivered = message.deliveredFrom(from.value());
		if (message.toAgent() != null) {
			AgentId to = new AgentId(message.toAgent());
			ConnectedAgent recipient = this.connections.get(to).orElse(null);
			if (recipient != null) {
				recipient.channel().send(delivered);
				return 1;
			}
			if (this.cluster.relaysMessages() && this.registry.find(to).filter(Agent::online).isPresent()) {
				// connected to another node
				this.cluster.relay(delivered);
				return 1;
			}
			throw InvalidRequestException.badRequest("unknown_recipient",
					"agent '" + message.toAgent() + "' is not connected");
		}
		if (message.toCapability() != null) {
			// refused as too large before anyone receives it
			this.cluster.relay(delivered);
			return this.connections.sendToCapability(delivered);
		}
		throw InvalidRequestException.badRequest("invalid_frame", "a message needs to_agent or to_capability");
	}

}
