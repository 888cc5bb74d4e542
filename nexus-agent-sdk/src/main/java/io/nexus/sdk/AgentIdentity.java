package io.nexus.sdk;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Who the agent is and how it proves it. An agent that enrolled with a key switches to
 * the token Nexus issued, for every later connection.
 */
final class AgentIdentity {

	private final @Nullable String token;

	private final @Nullable String enrollmentKey;

	private volatile String agentId;

	private volatile @Nullable String issuedToken;

	AgentIdentity(String agentId, @Nullable String token, @Nullable String enrollmentKey) {
		this.agentId = agentId;
		this.token = token;
		this.enrollmentKey = enrollmentKey;
	}

	String agentId() {
		return this.agentId;
	}

	Optional<String> issuedToken() {
		return Optional.ofNullable(this.issuedToken);
	}

	/**
	 * Takes what {@code registered} said.
	 * @param agentId the id Nexus knows the agent by
	 * @param issuedToken a new token, when the agent enrolled
	 */
	void registered(@Nullable String agentId, @Nullable String issuedToken) {
		if (agentId != null) {
			this.agentId = agentId;
		}
		if (issuedToken != null) {
			this.issuedToken = issuedToken;
		}
	}

	/**
	 * The {@code token} field of {@code agent_register}.
	 * @return the agent token, or the enrollment key until one was issued
	 */
	@Nullable String credential() {
		String agentToken = bearer();
		return (agentToken != null) ? agentToken : this.enrollmentKey;
	}

	/**
	 * The handshake's bearer token: the agent token, never an enrollment key (that goes
	 * only in {@code agent_register}).
	 * @return the token, or {@code null}
	 */
	@Nullable String bearer() {
		return (this.issuedToken != null) ? this.issuedToken : this.token;
	}

}
