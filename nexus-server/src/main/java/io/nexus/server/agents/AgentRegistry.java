package io.nexus.server.agents;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import io.nexus.protocol.AgentStatus;
import io.nexus.server.agents.persistence.AgentQuarantineRepository;
import io.nexus.server.agents.persistence.AgentRepository;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The agent registry's façade: registration, lookup, updates and removal.
 */
@Service
public class AgentRegistry {

	private final AgentRepository agents;

	private final AgentQuarantineRepository quarantines;

	private final ApplicationEventPublisher events;

	private final AgentSamples samples;

	private final Clock clock;

	AgentRegistry(AgentRepository agents, AgentQuarantineRepository quarantines, ApplicationEventPublisher events,
			AgentSamples samples, Clock clock) {
		this.agents = agents;
		this.quarantines = quarantines;
		this.events = events;
		this.samples = samples;
		this.clock = clock;
	}

	/**
	 * Registers an agent and issues its token.
	 * @param request what to register
	 * @return the agent and its one-time token
	 * @throws ConflictException if the chosen id is taken
	 */
	@Transactional
	public AgentRegistration register(NewAgent request) {
		AgentId id = (request.id() != null) ? request.id() : AgentId.generate();
		if (this.agents.exists(id)) {
			throw agentExists(id);
		}
		Instant now = this.clock.instant();
		Agent agent = new Agent(id, request.name(), AgentStatus.ACTIVE, normalize(request.capabilities()),
				request.priorityScore(), request.maxConcurrency(), request.labels(), false, null, null, null, now, now,
				0, null, null);
		String token = AgentTokens.newToken();
		try {
			this.agents.insert(agent, AgentTokens.hash(token));
		}
		catch (DuplicateKeyException ex) {
			throw agentExists(id);
		}
		return new AgentRegistration(this.agents.findById(id).orElseThrow(), token);
	}

	@Transactional(readOnly = true)
	public Agent get(AgentId id) {
		return this.agents.findById(id).orElseThrow(() -> new AgentNotFoundException(id));
	}

	@Transactional(readOnly = true)
	public Optional<Agent> find(AgentId id) {
		return this.agents.findById(id);
	}

	@Transactional(readOnly = true)
	public Page<Agent> list(AgentQuery query, PageRequest page) {
		List<Agent> rows = this.agents.find(query, page);
		if (rows.size() > page.limit()) {
			List<Agent> items = rows.subList(0, page.limit());
			return new Page<>(List.copyOf(items), PageRequest.cursorAfter(items.get(items.size() - 1).seq()));
		}
		return new Page<>(rows, null);
	}

	/**
	 * Applies a partial update.
	 * @param id the agent
	 * @param changes what to change; {@code null} fields stay as they are
	 * @return the agent as it is now
	 */
	@Transactional
	public Agent update(AgentId id, AgentChanges changes) {
		Agent current = get(id);
		Instant now = this.clock.instant();
		Agent updated = new Agent(id, orElse(changes.name(), current.name()),
				orElse(changes.status(), current.status()),
				(changes.capabilities() != null) ? normalize(changes.capabilities()) : current.capabilities(),
				orElse(changes.priorityScore(), current.priorityScore()),
				orElse(changes.maxConcurrency(), current.maxConcurrency()), orElse(changes.labels(), current.labels()),
				current.online(), orElse(changes.cpuUsage(), current.cpuUsage()),
				orElse(changes.memoryUsage(), current.memoryUsage()),
				changes.reportsPerformance() ? now : current.lastSeenAt(), current.createdAt(), now, current.seq(),
				current.enrollmentScope(), current.quarantine());
		this.agents.update(updated);
		if (changes.capabilities() != null) {
			this.agents.replaceCapabilities(id, updated.capabilities());
		}
		this.events.publishEvent(new AgentChanged(updated));
		return updated;
	}

	/**
	 * Replaces an agent's token; the old one stops working at once.
	 * @param id the agent
	 * @return the new token, shown once
	 */
	@Transactional
	public String rotateToken(AgentId id) {
		get(id);
		String token = AgentTokens.newToken();
		this.agents.updateTokenHash(id, AgentTokens.hash(token));
		this.events.publishEvent(new AgentCredentialsRevoked(id, "token rotation"));
		return token;
	}

	/**
	 * Revokes an agent's token: it stops working at once, the agent is disconnected, and
	 * only a rotation gives it a new one.
	 * @param id the agent
	 * @param actor who revokes it
	 */
	@Transactional
	public void revokeToken(AgentId id, String actor) {
		get(id);
		// A value that no SHA-256 hex digest can equal.
		this.agents.updateTokenHash(id, "revoked");
		this.events.publishEvent(new AgentCredentialsRevoked(id, actor));
	}

	/**
	 * Finds the agent that a token belongs to, for REST calls made with it.
	 * @param token the token presented
	 * @return the agent's id, or empty for an unknown token
	 */
	@Transactional(readOnly = true)
	public Optional<AgentId> identify(String token) {
		return this.agents.findIdByTokenHash(AgentTokens.hash(token));
	}

	/**
	 * Checks an agent's token.
	 * @param id the agent
	 * @param token the token it presents
	 * @return the agent
	 * @throws AgentAuthenticationException if the agent is unknown or the token is wrong
	 */
	@Transactional(readOnly = true)
	public Agent authenticate(AgentId id, String token) {
		String presented = AgentTokens.hash(token);
		String stored = this.agents.tokenHash(id).orElse(null);
		if (stored == null || !MessageDigest.isEqual(stored.getBytes(StandardCharsets.US_ASCII),
				presented.getBytes(StandardCharsets.US_ASCII))) {
			throw new AgentAuthenticationException("unknown agent or wrong token");
		}
		return get(id);
	}

	/**
	 * Puts an agent in quarantine (or replaces its quarantine): it gets no new work on
	 * any node until the quarantine ends.
	 * @param id the agent
	 * @param quarantine why, and until when
	 * @return the agent as it is now
	 */
	@Transactional
	public Agent quarantine(AgentId id, AgentQuarantine quarantine) {
		if (!this.quarantines.quarantine(id, quarantine)) {
			throw new AgentNotFoundException(id);
		}
		Agent updated = get(id);
		this.events.publishEvent(new AgentChanged(updated));
		this.events.publishEvent(new AgentQuarantined(id, quarantine));
		return updated;
	}

	/**
	 * Ends an agent's quarantine.
	 * @param id the agent
	 * @return the agent as it is now, or empty if it was not in quarantine
	 */
	@Transactional
	public Optional<Agent> release(AgentId id) {
		get(id);
		if (!this.quarantines.release(id)) {
			return Optional.empty();
		}
		Agent updated = get(id);
		this.events.publishEvent(new AgentChanged(updated));
		return Optional.of(updated);
	}

	/**
	 * The agents in quarantine, longest first.
	 * @param limit the most to return
	 * @return the agents
	 */
	public List<Agent> quarantined(int limit) {
		return this.agents.findQuarantined(limit);
	}

	/**
	 * How many agents are in quarantine.
	 * @return the count
	 */
	public long countQuarantined() {
		return this.quarantines.countQuarantined();
	}

	/**
	 * Sets an agent's operational status (pause, resume, drain, or a status the agent
	 * reports).
	 * @param id the agent
	 * @param status the new status
	 * @return the agent as it is now
	 */
	@Transactional
	public Agent setStatus(AgentId id, AgentStatus status) {
		get(id);
		this.agents.setStatus(id, status, this.clock.instant());
		Agent updated = get(id);
		this.events.publishEvent(new AgentChanged(updated));
		return updated;
	}

	/**
	 * Records that a node holds the agent's connection now; an {@code offline} agent
	 * becomes {@code active}.
	 * @param id the agent
	 * @param nodeId the node
	 * @return the agent as it is now, or empty if the node has stopped or was declared
	 * dead
	 */
	@Transactional
	public Optional<Agent> markOnline(AgentId id, String nodeId) {
		Instant now = this.clock.instant();
		if (!this.agents.setOnline(id, nodeId, now)) {
			return Optional.empty();
		}
		this.events.publishEvent(new AgentConnected(id, nodeId, now));
		return Optional.of(get(id));
	}

	/**
	 * Records that the agent's connection to a node closed, unless it is connected to
	 * another node by now; its reconnect grace starts.
	 * @param id the agent
	 * @param nodeId the node whose connection closed
	 * @return whether the agent was marked offline
	 */
	@Transactional
	public boolean markOffline(AgentId id, String nodeId) {
		Instant now = this.clock.instant();
		if (!this.agents.setOffline(id, nodeId, now)) {
			return false;
		}
		this.events.publishEvent(new AgentDisconnected(id, "connection closed", now));
		return true;
	}

	/**
	 * Marks offline every agent a node held, as when the node is declared dead.
	 * @param nodeId the node
	 * @param since when the node was last known alive: the start of their reconnect grace
	 * @return how many agents it held
	 */
	@Transactional
	public int markOfflineOnNode(String nodeId, Instant since) {
		List<AgentId> held = this.agents.onlineOnNode(nodeId);
		int marked = this.agents.setOfflineOnNode(nodeId, since);
		Instant now = this.clock.instant();
		held.forEach((agent) -> this.events.publishEvent(new AgentDisconnected(agent, "node declared dead", now)));
		return marked;
	}

	/**
	 * Marks offline the agents shown online without a node (rows from before node
	 * membership): no connection of theirs survived the upgrade.
	 * @return how many there were
	 */
	@Transactional
	public int markOfflineWithoutNode() {
		return this.agents.setOfflineWithoutNode(this.clock.instant());
	}

	/**
	 * How many online agents each node holds.
	 * @return counts by node id
	 */
	@Transactional(readOnly = true)
	public Map<String, Long> countOnlineByNode() {
		return this.agents.countOnlineByNode();
	}

	@Transactional
	public void recordHeartbeat(AgentId id, @Nullable Double cpuUsage, @Nullable Double memoryUsage) {
		this.agents.recordHeartbeat(id, cpuUsage, memoryUsage, this.clock.instant());
	}

	@Transactional(readOnly = true)
	public List<AgentId> offlineSince(Instant before) {
		return this.agents.offlineSince(before);
	}

	/**
	 * Removes an agent with its resource history; its unfinished tasks return to the
	 * queue in the same transaction.
	 * @param id the agent
	 * @param actor who removes it
	 */
	@Transactional
	public void delete(AgentId id, String actor) {
		if (!this.agents.delete(id)) {
			throw new AgentNotFoundException(id);
		}
		this.samples.deleteAll(id);
		this.events.publishEvent(new AgentDeleted(id, actor));
	}

	/**
	 * Counts agents that are connected and in all.
	 * @return {@code online} and {@code total}
	 */
	@Transactional(readOnly = true)
	public Map<String, Long> counts() {
		Map<String, Long> byOnline = this.agents.countByOnline();
		long online = byOnline.getOrDefault("online", 0L);
		return Map.of("online", online, "total", online + byOnline.getOrDefault("offline", 0L));
	}

	/**
	 * Counts agents by operational status, for metrics.
	 * @return every status with its count (zero included)
	 */
	@Transactional(readOnly = true)
	public Map<AgentStatus, Long> countByStatus() {
		return this.agents.countByStatus();
	}

	private static List<String> normalize(List<String> capabilities) {
		return List.copyOf(new TreeSet<>(capabilities));
	}

	private static <T> T orElse(T value, T fallback) {
		return (value != null) ? value : fallback;
	}

	private static ConflictException agentExists(AgentId id) {
		return new ConflictException("agent_exists", "An agent with id '" + id + "' is already registered",
				Map.of("agent_id", id.value()));
	}

}
