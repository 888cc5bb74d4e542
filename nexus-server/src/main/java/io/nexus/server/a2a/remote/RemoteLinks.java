package io.nexus.server.a2a.remote;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.nexus.protocol.CloseCode;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentChanges;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.cluster.NodeMembership;
import io.nexus.server.realtime.AgentGateway;
import io.nexus.server.realtime.AgentGateway.AgentSession;
import io.nexus.server.webhooks.ReceiverAddresses;
import jakarta.annotation.PreDestroy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The connections of the remote A2A agents this node holds. Every second the node claims
 * the remote agents no live claim holds and renews its own claims (exactly one node holds
 * each); for each, it fetches the card every
 * {@code nexus.a2a.remote.card-refresh-interval} with {@code If-None-Match}. An answer is
 * a heartbeat of the agent (its latency the agent's round trip), opens its connection
 * when it has none, and updates its capabilities when the card changed;
 * {@code nexus.a2a.remote.max-failures} failures in a row close the connection, as a
 * dropped WebSocket closes, and the agent goes offline.
 */
@Component
class RemoteLinks {

	private static final Logger logger = LoggerFactory.getLogger(RemoteLinks.class);

	private final RemoteAgentRows rows;

	private final RemoteCalls calls;

	private final AgentGateway gateway;

	private final AgentRegistry registry;

	private final NodeMembership node;

	private final RemoteA2aProperties properties;

	private final ReceiverAddresses addresses;

	private final JsonMapper json;

	private final Clock clock;

	private final Map<AgentId, Link> links = new ConcurrentHashMap<>();

	private volatile boolean stopped;

	RemoteLinks(RemoteAgentRows rows, RemoteCalls calls, AgentGateway gateway, AgentRegistry registry,
			NodeMembership node, RemoteA2aProperties properties, JsonMapper json, Clock clock) {
		this.rows = rows;
		this.calls = calls;
		this.gateway = gateway;
		this.registry = registry;
		this.node = node;
		this.properties = properties;
		this.addresses = addresses(properties);
		this.json = json;
		this.clock = clock;
	}

	static ReceiverAddresses addresses(RemoteA2aProperties properties) {
		return ReceiverAddresses.allowing(properties.allowedNetworks(), "nexus.a2a.remote.allowed-networks");
	}

	@Scheduled(fixedDelay = 1000)
	synchronized void tick() {
		if (this.stopped) {
			return;
		}
		Instant now = this.clock.instant();
		List<RemoteAgent> held;
		try {
			held = this.rows.claim(this.node.nodeId(), now, now.plus(this.properties.claimTtl()));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not claim remote A2A agents: {}", ex.getMessage());
			return;
		}
		Set<AgentId> ids = new HashSet<>();
		for (RemoteAgent agent : held) {
			ids.add(agent.agentId());
			Link link = this.links.computeIfAbsent(agent.agentId(), (id) -> new Link());
			link.agent = agent;
			if (!link.fetching && !now.isBefore(link.nextFetch)) {
				link.fetching = true;
				this.calls.run(() -> refresh(link, agent));
			}
		}
		for (Map.Entry<AgentId, Link> entry : this.links.entrySet()) {
			if (!ids.contains(entry.getKey())) {
				// deleted, or claimed by another node after this one lost its claim
				this.links.remove(entry.getKey());
				entry.getValue().close(CloseCode.REPLACED.code(), "the remote agent is no longer held by this node");
			}
		}
	}

	/**
	 * Looks at the remote agents again soon, such as after one was registered.
	 */
	void wake() {
		this.calls.run(this::tick);
	}

	/**
	 * Closes the connection of a remote agent that was deleted.
	 * @param agentId the agent
	 */
	void forget(AgentId agentId) {
		Link link = this.links.remove(agentId);
		if (link != null) {
			link.close(CloseCode.REPLACED.code(), "the remote agent was deleted");
		}
	}

	/**
	 * Whether this node holds an open connection to the remote agent.
	 */
	boolean connected(AgentId agentId) {
		Link link = this.links.get(agentId);
		return link != null && link.channel != null && !link.channel.isClosed();
	}

	private void refresh(Link link, RemoteAgent agent) {
		try {
			String refused = this.addresses.refusal(agent.cardUrl())
				.or(() -> this.addresses.refusal(agent.rpcUrl()))
				.orElse(null);
			if (refused != null) {
				failed(link, agent, refused);
				done(link);
				return;
			}
			String etag = (link.etag != null) ? link.etag : agent.cardEtag();
			this.calls.fetchCard(agent.cardUrl(), etag).whenComplete((answer, failure) -> {
				try {
					if (failure != null) {
						Throwable cause = (failure.getCause() != null) ? failure.getCause() : failure;
						failed(link, agent, (cause instanceof RemoteCalls.RemoteCallException) ? cause.getMessage()
								: "the card could not be fetched: " + cause);
					}
					else {
						answered(link, agent, answer);
					}
				}
				catch (RuntimeException ex) {
					logger.warn("Could not refresh remote A2A agent {}: {}", agent.agentId(), ex.toString());
				}
				finally {
					done(link);
				}
			});
		}
		catch (RuntimeException ex) {
			logger.warn("Could not refresh remote A2A agent {}: {}", agent.agentId(), ex.toString());
			done(link);
		}
	}

	private void done(Link link) {
		link.nextFetch = this.clock.instant().plus(this.properties.cardRefreshInterval());
		link.fetching = false;
	}

	private void answered(Link link, RemoteAgent agent, RemoteCalls.CardAnswer answer) {
		RemoteAgent current = agent;
		JsonNode card = answer.card();
		if (card != null) {
			String cardJson = this.json.writeValueAsString(card);
			if (!cardJson.equals(agent.cardJson())) {
				AgentCard read;
				try {
					read = AgentCard.read(card);
				}
				catch (AgentCard.InvalidCardException ex) {
					failed(link, agent, "the card is no longer valid: " + ex.getMessage());
					return;
				}
				this.rows.cardChanged(agent.agentId(), read.rpcUrl(), read.streaming(), cardJson, answer.etag());
				Agent stored = this.registry.get(agent.agentId());
				if (!stored.capabilities().equals(List.copyOf(new TreeSet<>(read.capabilities())))) {
					this.registry.update(agent.agentId(),
							new AgentChanges(null, null, read.capabilities(), null, null, null, null, null));
				}
				boolean moved = !read.rpcUrl().equals(agent.rpcUrl()) || read.streaming() != agent.streaming();
				if (moved) {
					link.close(CloseCode.RECONNECT.code(), "the remote agent's card changed its interface");
				}
				current = this.rows.find(agent.agentId()).orElse(agent);
				link.agent = current;
			}
		}
		link.etag = answer.etag();
		this.rows.reachable(agent.agentId(), answer.latencyMillis(), this.clock.instant());
		RemoteA2aChannel channel = link.channel;
		if (channel == null || channel.isClosed()) {
			open(link, current);
		}
		else {
			channel.heartbeat(answer.latencyMillis());
		}
	}

	private void open(Link link, RemoteAgent agent) {
		if (this.stopped) {
			return;
		}
		List<String> skills = this.registry.get(agent.agentId()).capabilities();
		RemoteA2aChannel[] opened = new RemoteA2aChannel[1];
		RemoteA2aChannel channel = new RemoteA2aChannel(agent.agentId(), agent.rpcUrl(), agent.streaming(),
				agent.authorization(), skills, this.calls, this.json, this.clock, () -> {
					if (link.channel == opened[0]) {
						link.channel = null;
					}
				});
		opened[0] = channel;
		try {
			AgentSession session = this.gateway.openTrusted(channel, agent.agentId(), List.of());
			link.channel = channel;
			channel.attach(session);
			logger.info("Remote A2A agent {} connected ({})", agent.agentId(), agent.rpcUrl());
		}
		catch (RuntimeException ex) {
			logger.warn("Could not connect remote A2A agent {}: {}", agent.agentId(), ex.getMessage());
		}
	}

	private void failed(Link link, RemoteAgent agent, String reason) {
		int failures = this.rows.failed(agent.agentId(), reason);
		logger.info("Remote A2A agent {}: {} ({} failure(s) in a row)", agent.agentId(), reason, failures);
		if (failures >= this.properties.maxFailures()) {
			this.rows.unreachable(agent.agentId());
			link.close(CloseCode.HEARTBEAT_TIMEOUT.code(), "the remote agent's card does not answer: " + reason);
		}
	}

	@PreDestroy
	void stop() {
		this.stopped = true;
		this.links.values().forEach((link) -> link.close(CloseCode.RECONNECT.code(), CloseCode.RECONNECT.reason()));
		this.links.clear();
		try {
			this.rows.release(this.node.nodeId());
		}
		catch (RuntimeException ex) {
			logger.debug("Could not release the remote A2A agents of this node: {}", ex.getMessage());
		}
	}

	/**
	 * One remote agent this node holds.
	 */
	private static final class Link {

		volatile @Nullable RemoteAgent agent;

		volatile @Nullable RemoteA2aChannel channel;

		volatile @Nullable String etag;

		volatile Instant nextFetch = Instant.MIN;

		volatile boolean fetching;

		void close(int code, String reason) {
			RemoteA2aChannel current = this.channel;
			this.channel = null;
			if (current != null && !current.isClosed()) {
				current.close(code, reason);
			}
		}

	}

}
