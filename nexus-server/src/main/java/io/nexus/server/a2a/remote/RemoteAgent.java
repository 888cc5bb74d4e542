package io.nexus.server.a2a.remote;

import java.net.URI;
import java.time.Instant;

import io.nexus.server.agents.AgentId;
import org.jspecify.annotations.Nullable;

/**
 * A remote A2A agent as stored: its card and where it is called, its health, and which
 * node holds its connection.
 *
 * @param agentId the agent (also in {@code agents})
 * @param cardUrl the Agent Card URL it was registered by
 * @param rpcUrl the JSON-RPC URL its card names
 * @param streaming whether its card offers streaming
 * @param cardJson the cached card
 * @param cardEtag the cached card's ETag, if the server gave one
 * @param authorization the {@code Authorization} value sent to it, if any (decrypted)
 * @param ownerNode the node that holds its connection, if any
 * @param claimUntil when that node's claim ends unless renewed
 * @param reachable whether its card answered the last time
 * @param consecutiveFailures failed card fetches in a row
 * @param lastLatencyMillis how long the last card fetch took
 * @param lastOkAt when its card last answered
 * @param lastError the last failure, if any
 * @param createdBy who registered it
 * @param createdAt when
 */
record RemoteAgent(AgentId agentId, URI cardUrl, URI rpcUrl, boolean streaming, String cardJson,
		@Nullable String cardEtag, @Nullable String authorization, @Nullable String ownerNode,
		@Nullable Instant claimUntil, boolean reachable, int consecutiveFailures, @Nullable Long lastLatencyMillis,
		@Nullable Instant lastOkAt, @Nullable String lastError, String createdBy, Instant createdAt) {

	@Override
	public String toString() {
		return "RemoteAgent[" + this.agentId + ", " + this.cardUrl + "]";
	}

}
