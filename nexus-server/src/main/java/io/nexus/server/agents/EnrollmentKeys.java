package io.nexus.server.agents;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.nexus.server.agents.persistence.AgentRepository;
import io.nexus.server.agents.persistence.EnrollmentKeyRepository;
import io.nexus.server.shared.Ids;
import io.nexus.server.shared.NotFoundException;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Enrollment: keys that let agents register themselves over the WebSocket with the id
 * they choose and the capabilities the key allows.
 */
@Service
public class EnrollmentKeys {

	private final EnrollmentKeyRepository keys;

	private final AgentRepository agents;

	private final AgentRegistry registry;

	private final Clock clock;

	EnrollmentKeys(EnrollmentKeyRepository keys, AgentRepository agents, AgentRegistry registry, Clock clock) {
		this.keys = keys;
		this.agents = agents;
		this.registry = registry;
		this.clock = clock;
	}

	/**
	 * Makes a key.
	 * @param name what it is for
	 * @param capabilities the capabilities enrolled agents may claim
	 * @param maxUses how many agents it may enroll, or {@code null}
	 * @param expiresAt when it stops working, or {@code null}
	 * @param actor who makes it
	 * @return the key and its secret, shown once
	 */
	@Transactional
	public IssuedKey create(String name, List<String> capabilities, @Nullable Integer maxUses,
			@Nullable Instant expiresAt, String actor) {
		String secret = "nxe_" + AgentTokens.newToken().substring("nxa_".length());
		EnrollmentKey key = new EnrollmentKey(Ids.next("enroll"), name, List.copyOf(new TreeSet<>(capabilities)),
				maxUses, 0, expiresAt, false, actor, this.clock.instant());
		this.keys.insert(key, AgentTokens.hash(secret));
		return new IssuedKey(key, secret);
	}

	@Transactional(readOnly = true)
	public List<EnrollmentKey> list() {
		return this.keys.findAll();
	}

	@Transactional
	public void revoke(String id) {
		if (!this.keys.revoke(id)) {
			throw new NotFoundException("enrollment_key_not_found", "No enrollment key with id '" + id + "'",
					Map.of("key_id", id));
		}
	}

	/**
	 * Whether a secret looks like an enrollment key rather than an agent token.
	 * @param secret what the agent presented
	 * @return {@code true} for enrollment keys
	 */
	public static boolean isEnrollmentKey(String secret) {
		return secret.startsWith("nxe_");
	}

	/**
	 * Registers an agent with an enrollment key.
	 * @param secret the key
	 * @param request the agent to register
	 * @return the new agent, its token and the key's id
	 * @throws AgentAuthenticationException if the key is unknown, expired, used up or
	 * revoked, or does not allow a requested capability
	 */
	@Transactional
	public Enrolment enroll(String secret, NewAgent request) {
		EnrollmentKey key = this.keys.lockByHash(AgentTokens.hash(secret))
			.filter((candidate) -> candidate.usableAt(this.clock.instant()))
			.orElseThrow(() -> new AgentAuthenticationException("unknown, expired or used-up enrollment key"));
		List<String> refused = request.capabilities()
			.stream()
			.filter((capability) -> !key.capabilities().contains(capability))
			.toList();
		if (!refused.isEmpty()) {
			throw new AgentAuthenticationException("the enrollment key does not allow capabilities " + refused);
		}
		if (request.id() != null && this.agents.exists(request.id())) {
			throw new AgentAuthenticationException(
					"agent '" + request.id() + "' is already registered; connect with its token");
		}
		AgentRegistration registration = this.registry.register(request);
		this.agents.setEnrollmentKey(registration.agent().id(), key.id());
		this.keys.recordUse(key.id());
		// read again: the key's scope binds the agent from its first task on
		Agent enrolled = this.agents.findById(registration.agent().id()).orElseThrow();
		return new Enrolment(new AgentRegistration(enrolled, registration.token()), key.id());
	}

	/**
	 * An agent that enrolled with a key.
	 *
	 * @param registration the new agent and its token
	 * @param keyId the id of the enrollment key it used
	 */
	public record Enrolment(AgentRegistration registration, String keyId) {

	}

	/**
	 * A new key with its secret.
	 *
	 * @param key the key
	 * @param secret the secret, shown once
	 */
	public record IssuedKey(EnrollmentKey key, String secret) {

		@Override
		public String toString() {
			return "IssuedKey[" + this.key.id() + ", <redacted>]";
		}

	}

}
