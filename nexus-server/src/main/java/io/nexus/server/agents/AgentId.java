package io.nexus.server.agents;

import java.io.Serializable;
import java.util.regex.Pattern;

import io.nexus.server.shared.Ids;
import io.nexus.server.shared.InvalidRequestException;

/**
 * The id of an agent: chosen by the agent ({@code my_agent}) or made by Nexus
 * ({@code agent_...}).
 *
 * @param value the id, 1 to 64 characters of letters, digits, {@code _ . -}
 */
public record AgentId(String value) implements Serializable {

	/** The shape of an agent id. */
	public static final String PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$";

	private static final Pattern COMPILED = Pattern.compile(PATTERN);

	public AgentId {
		if (!COMPILED.matcher(value).matches()) {
			throw InvalidRequestException.badRequest("invalid_agent_id",
					"agent id must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit");
		}
	}

	public static AgentId generate() {
		return new AgentId(Ids.next("agent"));
	}

	@Override
	public String toString() {
		return this.value;
	}

}
