package io.nexus.server.realtime;

import java.time.Clock;
import java.util.List;

import io.nexus.protocol.frames.AgentFrame;
import io.nexus.protocol.frames.TaskLease;
import io.nexus.server.agents.AgentId;
import io.nexus.server.dispatch.AgentChannel;

import org.springframework.stereotype.Component;

/**
 * The agent session for connections that are not WebSockets: another module (the A2A
 * bridge to remote agents) opens a session for an {@link AgentChannel} of its own, hands
 * it the agent's frames, and says when the channel closed. The frames take exactly the
 * path of a WebSocket agent's frames: the same checks, lease fencing, reports and
 * heartbeats; the answers ({@code ack}, {@code error}) go back through the channel.
 */
@Component
public class AgentGateway {

	private final AgentSocketHandler handler;

	private final AgentRegistrations registrations;

	private final RegistrationAudit audit;

	private final Clock clock;

	AgentGateway(AgentSocketHandler handler, AgentRegistrations registrations, RegistrationAudit audit, Clock clock) {
		this.handler = handler;
		this.registrations = registrations;
		this.audit = audit;
		this.clock = clock;
	}

	/**
	 * Connects an agent an administrator registered through a channel Nexus opened
	 * itself; no credentials are checked (none travel), and the connection is audited as
	 * such.
	 * @param channel the channel
	 * @param agentId the agent, which must exist
	 * @param runningTasks the tasks it still runs from an earlier connection
	 * @return the session, to hand frames to
	 * @throws NodeNotLiveException if this node is stopping or was declared dead
	 */
	public AgentSession openTrusted(AgentChannel channel, AgentId agentId, List<TaskLease> runningTasks) {
		AgentConnection connection = new AgentConnection(channel, null, this.clock.instant());
		this.registrations.registerTrusted(channel, agentId, runningTasks);
		connection.agentId = agentId;
		this.audit.trusted(agentId.value(), channel.describe());
		return new AgentSession(this, connection, agentId);
	}

	void receive(AgentConnection connection, AgentFrame frame) {
		this.handler.handle(connection, frame);
	}

	void closed(AgentConnection connection, AgentId agentId) {
		this.registrations.disconnected(agentId, connection.channel);
	}

	/**
	 * One open session of an agent behind a channel that is not a WebSocket.
	 */
	public static final class AgentSession {

		private final AgentGateway gateway;

		private final AgentConnection connection;

		private final AgentId agentId;

		private volatile boolean closed;

		AgentSession(AgentGateway gateway, AgentConnection connection, AgentId agentId) {
			this.gateway = gateway;
			this.connection = connection;
			this.agentId = agentId;
		}

		/**
		 * Hands the session a frame from the agent, as if it had come over a WebSocket.
		 * @param frame the frame
		 */
		public void receive(AgentFrame frame) {
			if (!this.closed) {
				this.gateway.receive(this.connection, frame);
			}
		}

		/**
		 * Tells the session its channel closed: the agent goes offline and its tasks wait
		 * for it the reconnect grace period, as after a dropped WebSocket.
		 */
		public void closed() {
			if (!this.closed) {
				this.closed = true;
				this.gateway.closed(this.connection, this.agentId);
			}
		}

		/**
		 * @return the agent
		 */
		public AgentId agentId() {
			return this.agentId;
		}

		/**
		 * @return whether {@link #closed()} was called
		 */
		public boolean isClosed() {
			return this.closed;
		}

	}

}
