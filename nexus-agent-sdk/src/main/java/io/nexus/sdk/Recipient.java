package io.nexus.sdk;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Who an agent-to-agent message goes to: one agent, or every agent with a capability.
 *
 * @param agentId the recipient agent, or {@code null}
 * @param capability the capability every recipient has, or {@code null}
 */
public record Recipient(@Nullable String agentId, @Nullable String capability) {

	public Recipient {
		if ((agentId == null) == (capability == null)) {
			throw new IllegalArgumentException("A recipient is either an agent or a capability");
		}
	}

	/**
	 * One agent.
	 * @param agentId its id
	 * @return the recipient
	 */
	public static Recipient agent(String agentId) {
		return new Recipient(Objects.requireNonNull(agentId, "agentId"), null);
	}

	/**
	 * Every connected agent with a capability.
	 * @param capability the capability
	 * @return the recipient
	 */
	public static Recipient capability(String capability) {
		return new Recipient(null, Objects.requireNonNull(capability, "capability"));
	}

}
