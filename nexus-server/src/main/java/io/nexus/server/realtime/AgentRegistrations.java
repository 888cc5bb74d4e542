package io.nexus.server.realtime;

import java.util.List;
import java.util.Map;

import io.nexus.protocol.CloseCode;
import io.nexus.protocol.frames.AgentRegister;
import io.nexus.protocol.frames.Frame;
import io.nexus.protocol.frames.Registered;
import io.nexus.protocol.frames.TaskLease;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentAuthenticationException;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.agents.EnrollmentKeys;
import io.nexus.server.agents.NewAgent;
import io.nexus.server.cluster.NodeMembership;
import io.nexus.server.dispatch.AgentChannel;
import io.nexus.server.dispatch.AgentConnections;
import io.nexus.server.dispatch.DispatchProperties;
import io.nexus.server.dispatch.Dispatcher;
import io.nexus.server.dispatch.InputDelivery;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.tasks.TaskId;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Agents connecting and leaving: the {@code agent_register} frame is authenticated (or
 * enrolls the agent), the agent's tasks are reconciled, and its connection is what
 * dispatch matches against until it closes. Each state change is committed before the
 * {@code registered} frame is sent.
 */
@Component
class AgentRegistrations {

	private static final Logger logger = LoggerFactory.getLogger(AgentRegistrations.class);

	private final AgentRegistry registry;

	private final EnrollmentKeys enrollment;

	private final AgentConnections connections;

	private final LeaseReconciliation reconciliation;

	private final Dispatcher dispatcher;

	private final DispatchProperties properties;

	private final RegistrationAudit registrationAudit;

	private final NodeMembership node;

	private final NodeHandover handover;

	private final InputDelivery inputs;

	AgentRegistrations(AgentRegistry registry, EnrollmentKeys enrollment, AgentConnections connections,
			LeaseReconciliation reconciliation, Dispatcher dispatcher, DispatchProperties properties,
			RegistrationAudit registrationAudit, NodeMembership node, NodeHandover handover, InputDelivery inputs) {
		this.inputs = inputs;
		this.registry = registry;
		this.enrollment = enrollment;
		this.connections = connections;
		this.reconciliation = reconciliation;
		this.dispatcher = dispatcher;
		this.properties = properties;
		this.registrationAudit = registrationAudit;
		this.node = node;
		this.handover = handover;
	}

	/**
	 * Authenticates and registers a connection, reconciles the tasks the agent says it
	 * runs with those Nexus thinks it holds, and resends assignments it has not accepted.
	 * @param channel the connection
	 * @param frame the {@code agent_register} frame
	 * @param handshakeToken the bearer token of the WebSocket handshake, if any
	 * @return the agent, now connected
	 * @throws AgentAuthenticationException if the credentials do not hold
	 * @throws NodeNotLiveException if this node is stopping or was declared dead
	 */
	AgentId register(AgentChannel channel, AgentRegister frame, @Nullable String handshakeToken) {
		if (frame.protocolVersion() != null && frame.protocolVersion() != Frame.PROTOCOL_VERSION) {
			throw new UnsupportedProtocolException(frame.protocolVersion());
		}
		if (this.handover.isDraining()) {
			// the agent's tasks stay its own; another node takes its registration
			throw new NodeNotLiveException(NodeHandover.RECONNECT_REASON);
		}
		String secret = (frame.token() != null && !frame.token().isBlank()) ? frame.token() : handshakeToken;
		AgentId agentId = new AgentId(frame.agentId());
		String issuedToken = null;
		Agent agent;
		try {
			if (secret == null || secret.isBlank()) {
				throw new AgentAuthenticationException("a token is required (agent_register.token or Authorization)");
			}
			if (EnrollmentKeys.isEnrollmentKey(secret)) {
				EnrollmentKeys.Enrolment enrolment = this.enrollment.enroll(secret, newAgent(agentId, frame));
				agent = enrolment.registration().agent();
				issuedToken = enrolment.registration().token();
				this.registrationAudit.enrolled(agent.id().value(), enrolment.keyId(), channel.remoteAddress());
			}
			else {
				agent = this.registry.authenticate(agentId, secret);
			}
		}
		catch (AgentAuthenticationException ex) {
			this.registrationAudit.refused(agentId.value(), channel.remoteAddress(), String.valueOf(ex.getMessage()));
			throw ex;
		}
		connect(channel, agent, frame, issuedToken);
		return agentId;
	}

	/**
	 * Registers a connection that Nexus opened itself for an agent an administrator
	 * registered (a remote A2A agent): no credentials are checked, as none travel.
	 * @param channel the connection
	 * @param agentId the agent, which must exist
	 * @param runningTasks the tasks the connection still runs from an earlier connection
	 * @throws NodeNotLiveException if this node is stopping or was declared dead
	 */
	void registerTrusted(AgentChannel channel, AgentId agentId, List<TaskLease> runningTasks) {
		if (this.handover.isDraining()) {
			throw new NodeNotLiveException(NodeHandover.RECONNECT_REASON);
		}
		Agent agent = this.registry.get(agentId);
		connect(channel, agent, new AgentRegister(AgentRegister.TYPE, null, agentId.value(), agent.name(), null, null,
				null, Frame.PROTOCOL_VERSION, runningTasks), null);
	}

	private void connect(AgentChannel channel, Agent agent, AgentRegister frame, @Nullable String issuedToken) {
		AgentId agentId = agent.id();
		LeaseReconciliation.Outcome reconciled = this.reconciliation.reconcile(agent, frame);
		AgentConnections.Replacement replacement = this.connections.connect(channel, agent, reconciled.held());
		replacement.replaced()
			.ifPresent((old) -> old.channel().close(CloseCode.REPLACED.code(), CloseCode.REPLACED.reason()));
		Agent online = this.registry.markOnline(agentId, this.node.nodeId()).orElse(null);
		if (online == null) {
			// this node was declared dead or is stopping: the agent belongs elsewhere
			this.connections.disconnect(agentId, channel);
			throw new NodeNotLiveException("reconnect: this node is not live");
		}
		// an agent that was offline becomes active: its entry must see the status now
		// stored
		replacement.current().refresh(online);
		channel.send(new Registered(agentId.value(), (int) this.properties.heartbeatInterval().toSeconds(), issuedToken,
				reconciled.resumed()));
		this.reconciliation.resend(replacement.current(), reconciled.toResend());
		for (TaskLease lease : reconciled.resumed()) {
			this.inputs.resumed(replacement.current(), new TaskId(lease.taskId()), lease.leaseEpoch());
		}
		logger.info("Agent {} connected from {} holding {} task(s)", agentId, channel.describe(), reconciled.held());
		this.dispatcher.wake();
	}

	private static NewAgent newAgent(AgentId agentId, AgentRegister frame) {
		if (frame.capabilities() == null || frame.capabilities().isEmpty()) {
			throw new AgentAuthenticationException("enrollment needs the agent's capabilities");
		}
		String name = (frame.agentName() != null && !frame.agentName().isBlank()) ? frame.agentName().strip()
				: agentId.value();
		int concurrency = (frame.maxConcurrency() != null) ? frame.maxConcurrency() : 1;
		if (concurrency < 1 || concurrency > 1000 || name.length() > 200) {
			throw InvalidRequestException.badRequest("invalid_frame", "max_concurrency must be 1-1000, name ≤ 200");
		}
		return new NewAgent(agentId, name, frame.capabilities(), 0, concurrency, Map.of());
	}

	/**
	 * Forgets a closed connection; the agent keeps its tasks for the reconnect grace
	 * period. If it is connected to another node by now, its row is left alone.
	 * @param agentId the agent
	 * @param channel the connection that closed
	 */
	void disconnected(AgentId agentId, AgentChannel channel) {
		if (this.connections.disconnect(agentId, channel)) {
			this.registry.markOffline(agentId, this.node.nodeId());
			logger.info("Agent {} disconnected; its tasks wait {} for it to return", agentId,
					this.properties.reconnectGrace());
		}
	}

}
