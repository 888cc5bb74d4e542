package io.nexus.sdk;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a {@link NexusAgentBuilder} collected, validated.
 *
 * @param serverUris the WebSocket endpoints of the Nexus nodes, such as
 * {@code ws://localhost:4100/ws}, tried in turn
 * @param token the agent's token, unless it enrolls with a key
 * @param enrollmentKey the enrollment key, unless it has a token
 * @param agentId the agent's id
 * @param name a human name
 * @param capabilities what the agent can do
 * @param maxConcurrency how many tasks it runs at once
 * @param handler the task handler
 * @param backoff the reconnection delays
 * @param drainTimeout how long {@code close()} waits for running tasks
 * @param connectTimeout how long a WebSocket handshake may take
 * @param registrationTimeout how long Nexus may take to answer {@code agent_register}
 * @param dataMapper the mapper for payloads, results and message bodies
 */
record AgentSettings(List<URI> serverUris, @Nullable String token, @Nullable String enrollmentKey, String agentId,
		String name, List<String> capabilities, int maxConcurrency, TaskHandler handler, Backoff backoff,
		Duration drainTimeout, Duration connectTimeout, Duration registrationTimeout, JsonMapper dataMapper) {

	/**
	 * The first endpoint.
	 * @return the URI of the first node
	 */
	URI serverUri() {
		return this.serverUris.get(0);
	}

}
