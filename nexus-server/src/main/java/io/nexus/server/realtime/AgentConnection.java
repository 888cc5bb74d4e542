package io.nexus.server.realtime;

import java.time.Instant;

import io.nexus.server.agents.AgentId;
import io.nexus.server.dispatch.AgentChannel;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.TextMessage;

/**
 * What the handler knows about one connection.
 */
final class AgentConnection {

	final AgentChannel channel;

	final @Nullable String bearer;

	final Instant openedAt;

	volatile @Nullable AgentId agentId;

	int violations;

	private @Nullable StringBuilder partial;

	boolean oversized;

	/**
	 * Adds a part of a frame; returns the whole frame once its last part arrived, or
	 * {@code null} while parts are missing. A frame beyond the limit is dropped as it
	 * arrives and returned as an empty string with {@code oversized} set.
	 */
	@Nullable String assemble(TextMessage part, long limit) {
		if (part.isLast() && this.partial == null && !this.oversized) {
			if (part.getPayloadLength() > limit) {
				this.oversized = true;
				return "";
			}
			return part.getPayload();
		}
		if (!this.oversized) {
			if (this.partial == null) {
				this.partial = new StringBuilder();
			}
			this.partial.append(part.getPayload());
			if (this.partial.length() > limit) {
				this.partial = null;
				this.oversized = true;
			}
		}
		if (!part.isLast()) {
			return null;
		}
		String whole = this.oversized ? "" : this.partial.toString();
		this.partial = null;
		return whole;
	}

	AgentConnection(AgentChannel channel, @Nullable String bearer, Instant openedAt) {
		this.channel = channel;
		this.bearer = bearer;
		this.openedAt = openedAt;
	}

}
