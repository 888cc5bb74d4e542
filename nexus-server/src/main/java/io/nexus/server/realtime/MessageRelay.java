package io.nexus.server.realtime;

import java.nio.charset.StandardCharsets;

import io.nexus.protocol.frames.AgentMessage;
import io.nexus.server.agents.AgentId;
import io.nexus.server.dispatch.AgentConnections;
import io.nexus.server.dispatch.ClusterChannel;
import io.nexus.server.dispatch.ClusterEvents;
import io.nexus.server.shared.InvalidRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Agent messages for agents connected to other nodes that share one PostgreSQL: each
 * travels as a {@code NOTIFY} on a channel of its own ({@link ClusterChannel}), with the
 * frame as body, at most what a {@code NOTIFY} holds
 * ({@link ClusterEvents#maxBodyBytes()}); a larger one is refused with
 * {@code message_too_large}. They are not stored, like messages on one node: a node that
 * is not listening at that moment does not get them. On H2, or with
 * {@code nexus.dispatch.cluster-wakeups=false}, nothing is relayed.
 */
@Component
class MessageRelay implements ClusterChannel {

	private static final Logger logger = LoggerFactory.getLogger(MessageRelay.class);

	private static final String PREFIX = "nexus_messages_";

	private final ClusterEvents cluster;

	private final AgentConnections connections;

	private final JsonMapper json;

	MessageRelay(ClusterEvents cluster, AgentConnections connections, JsonMapper json) {
		this.cluster = cluster;
		this.connections = connections;
		this.json = json;
	}

	/**
	 * Whether other nodes may share the database, so that messages for agents not
	 * connected here are relayed.
	 * @return whether messages are relayed
	 */
	boolean enabled() {
		return this.cluster.enabled();
	}

	/**
	 * Hands a message to the other nodes, which deliver it to their own connected
	 * recipients.
	 * @param message the message as delivered, with {@code from_agent} set
	 * @throws InvalidRequestException if the message is too large to relay
	 */
	void relay(AgentMessage message) {
		if (!this.cluster.enabled()) {
			return;
		}
		String body = this.json.writeValueAsString(message);
		int size = body.getBytes(StandardCharsets.UTF_8).length;
		int max = this.cluster.maxBodyBytes();
		if (size > max) {
			throw InvalidRequestException.badRequest("message_too_large",
					"a message to agents on other nodes may be at most " + max + " bytes as JSON; this one is " + size);
		}
		this.cluster.send(this, body);
	}

	@Override
	public String prefix() {
		return PREFIX;
	}

	@Override
	public void received(String body) {
		AgentMessage message;
		try {
			message = this.json.readValue(body, AgentMessage.class);
		}
		catch (JacksonException ex) {
			logger.debug("Ignored a relayed message that cannot be read", ex);
			return;
		}
		if (message.toAgent() != null) {
			this.connections.get(new AgentId(message.toAgent()))
				.ifPresent((recipient) -> recipient.channel().send(message));
		}
		else if (message.toCapability() != null) {
			AgentMessages.sendToCapability(this.connections, message);
		}
	}

}
