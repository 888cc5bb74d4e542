package io.nexus.server.realtime;

import io.nexus.protocol.frames.AgentMessage;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.dispatch.AgentConnections;
import io.nexus.server.dispatch.ConnectedAgent;
import io.nexus.server.shared.InvalidRequestException;

import org.springframework.stereotype.Component;

/**
 * Routes messages between agents: to one agent or to every agent with a capability,
 * connected to this node or, through {@link MessageRelay}, to the other nodes.
 */
@Component
class AgentMessages {

	private final AgentConnections connections;

	private final AgentRegistry registry;

	private final MessageRelay relay;

	AgentMessages(AgentConnections connections, AgentRegistry registry, MessageRelay relay) {
		this.connections = connections;
		this.registry = registry;
		this.relay = relay;
	}

	/**
	 * Delivers a message to one agent or to every connected agent with a capability, on
	 * this node and, on PostgreSQL, on the others.
	 * @param from the sender
	 * @param message the message
	 * @return how many agents of this node received it (a relayed message to one agent
	 * counts as one)
	 */
	int message(AgentId from, AgentMessage message) {
		AgentMessage delivered = message.deliveredFrom(from.value());
		if (message.toAgent() != null) {
			AgentId to = new AgentId(message.toAgent());
			ConnectedAgent recipient = this.connections.get(to).orElse(null);
			if (recipient != null) {
				recipient.channel().send(delivered);
				return 1;
			}
			if (this.relay.enabled() && this.registry.find(to).filter(Agent::online).isPresent()) {
				// connected to another node
				this.relay.relay(delivered);
				return 1;
			}
			throw InvalidRequestException.badRequest("unknown_recipient",
					"agent '" + message.toAgent() + "' is not connected");
		}
		if (message.toCapability() != null) {
			// refused as too large before anyone receives it
			this.relay.relay(delivered);
			return sendToCapability(this.connections, delivered);
		}
		throw InvalidRequestException.badRequest("invalid_frame", "a message needs to_agent or to_capability");
	}

	/**
	 * Sends a message to every agent connected to this node that has its capability,
	 * except its sender.
	 * @param connections this node's agents
	 * @param message the message, with {@code from_agent} set
	 * @return how many agents it was sent to
	 */
	static int sendToCapability(AgentConnections connections, AgentMessage message) {
		int count = 0;
		for (ConnectedAgent agent : connections.all()) {
			if (!agent.id().value().equals(message.fromAgent())
					&& agent.agent().capabilities().contains(message.toCapability())) {
				agent.channel().send(message);
				count++;
			}
		}
		return count;
	}

}
