package io.nexus.server.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nexus.protocol.AgentStatus;
import io.nexus.protocol.CloseCode;
import io.nexus.protocol.TaskStatus;
import io.nexus.protocol.frames.AgentRegister;
import io.nexus.protocol.frames.Frame;
import io.nexus.protocol.frames.Heartbeat;
import io.nexus.protocol.frames.Registered;
import io.nexus.protocol.frames.TaskCancel;
import io.nexus.protocol.frames.TaskLease;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentAuthenticationException;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.agents.AgentSamples;
import io.nexus.server.agents.EnrollmentKeys;
import io.nexus.server.agents.NewAgent;
import io.nexus.server.cluster.NodeMembership;
import io.nexus.server.shared.GroupCommitter;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.tasks.Lease;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskLeases;
import io.nexus.server.tasks.UnreadableTask;
import io.nexus.server.tasks.UnreadableValue;
import io.nexus.server.tracing.TaskTraces;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * What happens when agents connect, report and leave. The WebSocket gateway decodes
 * frames and calls these methods; each state change is committed before the answering
 * frame is sent.
 */
@Component
public class AgentSessions {

	private static final Logger logger = LoggerFactory.getLogger(AgentSessions.class);

	private static final Duration[] LATENCY_BUCKETS = { Duration.ofMillis(1), Duration.ofMillis(5),
			Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
			Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
			Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30) };

	/** Statuses an agent may report about itself; paused belongs to operators. */
	private static final Set<AgentStatus> SELF_REPORTED = Set.of(AgentStatus.ACTIVE, AgentStatus.IDLE, AgentStatus.BUSY,
			AgentStatus.MAINTENANCE, AgentStatus.ERROR, AgentStatus.DRAINING);

	private final AgentRegistry registry;

	private final EnrollmentKeys enrollment;

	private final AgentConnections connections;

	private final TaskLeases leases;

	private final Delivery delivery;

	private final Dispatcher dispatcher;

	private final DispatchProperties properties;

	private final GroupCommitter writer;

	private final Clock clock;

	private final Timer heartbeatLatency;

	private final TaskTraces traces;

	private final AgentSamples samples;

	private final PoisonTasks poison;

	private final RegistrationAudit registrationAudit;

	private final NodeMembership node;

	private final NodeHandover handover;

	AgentSessions(AgentRegistry registry, EnrollmentKeys enrollment, AgentConnections connections, TaskLeases leases,
			Delivery delivery, Dispatcher dispatcher, DispatchProperties properties, GroupCommitter reportWriter,
			Clock clock, MeterRegistry meters, TaskTraces traces, AgentSamples samples, PoisonTasks poison,
			RegistrationAudit registrationAudit, NodeMembership node, NodeHandover handover) {
		this.node = node;
		this.handover = handover;
		this.registrationAudit = registrationAudit;
		this.traces = traces;
		this.samples = samples;
		this.poison = poison;
		// The seed's "communication latency": agent clock at send to Nexus clock at
		// receipt (docs/metrics.md).
		this.heartbeatLatency = Timer.builder("nexus.agent.heartbeat.latency")
			.description("Time from a heartbeat's sent_at (agent clock) to its receipt (Nexus clock)")
			.serviceLevelObjectives(LATENCY_BUCKETS)
			.register(meters);
		this.writer = reportWriter;
		this.registry = registry;
		this.enrollment = enrollment;
		this.connections = connections;
		this.leases = leases;
		this.delivery = delivery;
		this.dispatcher = dispatcher;
		this.properties = properties;
		this.clock = clock;
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
	public AgentId register(AgentChannel channel, AgentRegister frame, @Nullable String handshakeToken) {
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
		List<TaskLease> resumed = new ArrayList<>();
		List<Task> toResend = new ArrayList<>();
		int held = reconcile(agent, frame, resumed, toResend);
		AgentConnections.Replacement replacement = this.connections.connect(channel, agent, held);
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
				resumed));
		for (Task task : toResend) {
			this.leases.delivered(task.id());
			try {
				this.delivery.deliver(replacement.current(), task);
			}
			catch (RuntimeException ex) {
				// the task fails on its own; the agent stays connected
				this.poison.undeliverable(task.id(), task.lease(), ex);
			}
		}
		logger.info("Agent {} connected from {} holding {} task(s)", agentId, channel.describe(), held);
		this.dispatcher.wake();
		return agentId;
	}

	private int reconcile(Agent agent, AgentRegister frame, List<TaskLease> resumed, List<Task> toResend) {
		Map<String, Long> running = new HashMap<>();
		if (frame.runningTasks() != null) {
			frame.runningTasks().forEach((lease) -> running.put(lease.taskId(), lease.leaseEpoch()));
		}
		int held = 0;
		for (Task task : this.leases.heldBy(agent.id())) {
			Long epoch = running.remove(task.id().value());
			UnreadableValue payload = task.unreadablePayload();
			if (payload != null && !payload.keyMissing()) {
				// damaged at rest: it is never sent or resumed again, and it fails on its
				// own; the agent connects (it stops the task: not in resumed_tasks)
				this.poison.unreadable(new UnreadableTask(task.id(), UnreadableValue.PAYLOAD,
						"encrypted value failed its integrity check"), task.lease());
			}
			else if (epoch != null && epoch == task.leaseEpoch()) {
				if (task.status() == TaskStatus.ASSIGNED) {
					this.leases.accept(task.lease());
				}
				resumed.add(new TaskLease(task.id().value(), task.leaseEpoch()));
				held++;
			}
			else if (task.status() == TaskStatus.ASSIGNED && payload != null) {
				// its key is missing: it cannot be sent again, so it goes back to the
				// queue,
				// where it waits for the key
				this.leases.release(task.lease(), "returned to the queue: its payload cannot be read ("
						+ payload.reason() + "); it waits for the key");
			}
			else if (task.status() == TaskStatus.ASSIGNED) {
				toResend.add(task);
				held++;
			}
			else {
				this.leases.revoke(task.lease(), "agent reconnected without the task");
			}
		}
		return held;
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
	public void disconnected(AgentId agentId, AgentChannel channel) {
		if (this.connections.disconnect(agentId, channel)) {
			this.registry.markOffline(agentId, this.node.nodeId());
			logger.info("Agent {} disconnected; its tasks wait {} for it to return", agentId,
					this.properties.reconnectGrace());
		}
	}

	/**
	 * Records a heartbeat: the agent's latest resource use, its round-trip time, and a
	 * sample of its resource history when one is due.
	 * @param agentId the agent
	 * @param frame the heartbeat
	 */
	public void heartbeat(AgentId agentId, Heartbeat frame) {
		touch(agentId);
		Double cpu = clampPercent(frame.cpuUsage());
		Double memory = clampPercent(frame.memoryUsage());
		ConnectedAgent connected = this.connections.get(agentId).orElse(null);
		if (connected != null) {
			connected.recordUsage(cpu, memory);
		}
		if (frame.sentAt() != null) {
			long rtt = this.clock.millis() - frame.sentAt();
			if (rtt >= 0 && rtt < Duration.ofMinutes(1).toMillis()) {
				if (connected != null) {
					connected.recordLatency(rtt);
				}
				this.heartbeatLatency.record(rtt, TimeUnit.MILLISECONDS);
			}
		}
		this.registry.recordHeartbeat(agentId, cpu, memory);
		int active = (connected != null) ? connected.held()
				: (frame.runningTasks() != null) ? frame.runningTasks().size() : 0;
		this.samples.offer(agentId, cpu, memory, active);
	}

	public void touch(AgentId agentId) {
		this.connections.get(agentId).ifPresent((agent) -> agent.touch(this.clock.instant()));
	}

	/**
	 * The agent accepts a task; written with the next group commit.
	 * @param lease the lease
	 * @return completes once durable, or exceptionally if refused
	 */
	public CompletableFuture<Void> accept(Lease lease) {
		this.connections.get(lease.agentId()).ifPresent((agent) -> agent.accepted(lease.taskId()));
		return this.writer.submit(lease.taskId(), () -> this.leases.accept(lease));
	}

	public CompletableFuture<Void> progress(Lease lease, @Nullable Double progress, @Nullable String message) {
		return this.writer.submit(lease.taskId(), () -> this.leases.progress(lease, clampPercent(progress), message));
	}

	/**
	 * The agent completes a task; written with the next group commit.
	 * @param lease the lease
	 * @param resultJson the result, as JSON text
	 * @param traceparent the trace context of the agent's work, if it sent one
	 * @return completes once durable, or exceptionally if refused
	 */
	public CompletableFuture<Void> complete(Lease lease, @Nullable String resultJson, @Nullable String traceparent) {
		return this.writer.submit(lease.taskId(), () -> this.leases.complete(lease, resultJson))
			.thenRun(() -> finished(lease, traceparent, null));
	}

	public CompletableFuture<Void> fail(Lease lease, String error, boolean retryable) {
		return this.writer.submit(lease.taskId(), () -> this.leases.fail(lease, error, retryable))
			.thenRun(() -> finished(lease, null, error));
	}

	private void finished(Lease lease, @Nullable String traceparent, @Nullable String error) {
		ConnectedAgent agent = this.connections.get(lease.agentId()).orElse(null);
		if (agent != null) {
			agent.recordOutcome(error == null);
		}
		if (this.traces.enabled()) {
			ConnectedAgent.Assignment assignment = (agent != null) ? agent.untraced(lease.taskId()) : null;
			this.traces.finished(lease.taskId().value(), lease.agentId().value(),
					(assignment != null) ? assignment.traceparent() : null,
					(assignment != null) ? assignment.sentAt() : null, traceparent, error);
		}
	}

	/**
	 * Applies a status the agent reports about itself; it cannot leave {@code paused},
	 * which only an operator can.
	 * @param agentId the agent
	 * @param status the reported status
	 */
	public void statusUpdate(AgentId agentId, String status) {
		AgentStatus reported;
		try {
			reported = AgentStatus.fromWireName(status);
		}
		catch (IllegalArgumentException ex) {
			throw InvalidRequestException.badRequest("invalid_frame", ex.getMessage());
		}
		if (!SELF_REPORTED.contains(reported)) {
			throw InvalidRequestException.badRequest("invalid_frame",
					"an agent may report only active, idle, busy, maintenance, error or draining");
		}
		if (reported == AgentStatus.DRAINING) {
			this.connections.get(agentId).ifPresent(ConnectedAgent::closing);
			return;
		}
		Agent current = this.registry.get(agentId);
		boolean operatorHold = current.status() == AgentStatus.PAUSED || current.status() == AgentStatus.DRAINING;
		if (!operatorHold && current.status() != reported) {
			this.registry.setStatus(agentId, reported);
		}
	}

	/**
	 * Tells an agent to stop work on a lease it no longer holds.
	 * @param agentId the agent
	 * @param taskId the task
	 * @param epoch the lease epoch
	 * @param reason why
	 */
	void cancelOnAgent(AgentId agentId, String taskId, long epoch, String reason) {
		this.connections.get(agentId).ifPresent((agent) -> agent.channel().send(new TaskCancel(taskId, epoch, reason)));
	}

	private static @Nullable Double clampPercent(@Nullable Double value) {
		if (value == null || value.isNaN()) {
			return null;
		}
		return Math.max(0, Math.min(100, value));
	}

}
