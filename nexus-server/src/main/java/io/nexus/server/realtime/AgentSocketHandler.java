package io.nexus.server.realtime;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import io.nexus.protocol.CloseCode;
import io.nexus.protocol.frames.Ack;
import io.nexus.protocol.frames.AgentFrame;
import io.nexus.protocol.frames.AgentMessage;
import io.nexus.protocol.frames.AgentRegister;
import io.nexus.protocol.frames.ErrorFrame;
import io.nexus.protocol.frames.Frame;
import io.nexus.protocol.frames.Heartbeat;
import io.nexus.protocol.frames.InputRequest;
import io.nexus.protocol.frames.InputResponse;
import io.nexus.protocol.frames.LeasedFrame;
import io.nexus.protocol.frames.StatusUpdate;
import io.nexus.protocol.frames.TaskAccept;
import io.nexus.protocol.frames.TaskComplete;
import io.nexus.protocol.frames.TaskFail;
import io.nexus.protocol.frames.TaskProgress;
import io.nexus.protocol.frames.UsageReport;
import io.nexus.server.agents.AgentAuthenticationException;
import io.nexus.server.agents.AgentId;
import io.nexus.server.dispatch.DispatchProperties;
import io.nexus.server.shared.DatabaseOutage;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.LogContext;
import io.nexus.server.shared.NexusException;
import io.nexus.server.tasks.InputQuestion;
import io.nexus.server.tasks.Lease;
import io.nexus.server.tasks.TaskId;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The agent protocol over one WebSocket: the first frame must register within the
 * registration timeout; every later frame is decoded, checked and handed to
 * {@link AgentRegistrations}, {@link AgentReports}, {@link AgentHeartbeats} or
 * {@link AgentMessages}. A bad frame gets an {@code error} frame and changes nothing; bad
 * credentials and repeated violations close the connection with a 4xxx code.
 */
@Component
class AgentSocketHandler extends TextWebSocketHandler {

	private static final Logger logger = LoggerFactory.getLogger(AgentSocketHandler.class);

	/** The frame type in metrics of frames that could not be decoded. */
	private static final String INVALID_FRAME = "invalid";

	private final AgentRegistrations registrations;

	private final AgentReports reports;

	private final AgentHeartbeats heartbeats;

	private final AgentMessages messages;

	private final DispatchProperties properties;

	private final JsonMapper reader;

	private final JsonMapper writer;

	private final Clock clock;

	private final Map<String, AgentConnection> connections = new ConcurrentHashMap<>();

	private final AddressLimiter addresses;

	private final SocketMetrics metrics;

	AgentSocketHandler(AgentRegistrations registrations, AgentReports reports, AgentHeartbeats heartbeats,
			AgentMessages messages, DispatchProperties properties, JsonMapper json, Clock clock,
			SocketMetrics metrics) {
		this.metrics = metrics;
		this.registrations = registrations;
		this.reports = reports;
		this.heartbeats = heartbeats;
		this.messages = messages;
		this.properties = properties;
		this.addresses = new AddressLimiter(properties.maxConnectionsPerAddress());
		this.writer = json;
		this.reader = json.rebuild().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
		this.clock = clock;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws IOException {
		if (!this.addresses.acquire(session.getRemoteAddress())) {
			session
				.close(new CloseStatus(CloseCode.TOO_MANY_CONNECTIONS.code(), CloseCode.TOO_MANY_CONNECTIONS.reason()));
			return;
		}
		String bearer = (String) session.getAttributes().get(WebSocketConfiguration.BEARER_ATTRIBUTE);
		this.connections.put(session.getId(), new AgentConnection(new SocketChannel(session, this.writer, this.metrics),
				bearer, this.clock.instant()));
		this.metrics.opened();
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		AgentConnection connection = this.connections.get(session.getId());
		if (connection == null) {
			return;
		}
		String payload = connection.assemble(message, this.properties.maxFrameSize().toBytes());
		if (payload == null) {
			return;
		}
		int length = payload.length();
		if (connection.oversized) {
			connection.oversized = false;
			this.metrics.received(INVALID_FRAME, length);
			violation(connection, null, "frame_too_large",
					"frames are limited to " + this.properties.maxFrameSize().toBytes() + " bytes");
			return;
		}
		Frame frame;
		try {
			frame = this.reader.readValue(payload, Frame.class);
		}
		catch (InvalidTypeIdException ex) {
			this.metrics.received(INVALID_FRAME, length);
			violation(connection, null, "unknown_type", "unknown or missing frame type; see docs/protocol.md");
			return;
		}
		catch (JacksonException ex) {
			this.metrics.received(INVALID_FRAME, length);
			boolean notJson = ex instanceof StreamReadException;
			violation(connection, null, notJson ? "invalid_json" : "invalid_frame",
					notJson ? "the frame is not valid JSON" : "the frame has a field of the wrong type or shape");
			return;
		}
		this.metrics.received(frame.type(), length);
		if (!(frame instanceof AgentFrame agentFrame)) {
			violation(connection, null, "invalid_frame", "'" + frame.type() + "' is a frame only Nexus sends");
			return;
		}
		handle(connection, agentFrame);
	}

	/**
	 * Handles one decoded frame of a connection: the registration, or a report,
	 * heartbeat, status or message of a registered agent. The answer ({@code ack},
	 * {@code error}) goes back through the connection's channel.
	 */
	void handle(AgentConnection connection, AgentFrame frame) {
		try {
			if (connection.agentId == null) {
				if (!(frame instanceof AgentRegister register)) {
					connection.channel
						.send(new ErrorFrame(frame.id(), "not_registered", "the first frame must be agent_register"));
					connection.channel.close(CloseCode.UNAUTHORIZED.code(), "not registered");
					return;
				}
				require(register.agentId(), "agent_id");
				connection.agentId = this.registrations.register(connection.channel, register, connection.bearer);
				return;
			}
			if (frame instanceof LeasedFrame leased && leased.leaseEpoch() < 1) {
				// epochs start at 1 with the first assignment: anything lower was never
				// sent
				throw InvalidRequestException.badRequest("invalid_frame",
						"lease_epoch must be a positive integer, the one from task_assigned");
			}
			AgentId agentId = connection.agentId;
			this.heartbeats.touch(agentId);
			LogContext.swap(LogContext.AGENT_ID, agentId.value());
			LogContext.swap(LogContext.TASK_ID, (frame instanceof LeasedFrame leased) ? leased.taskId() : null);
			route(connection, agentId, frame);
		}
		catch (AgentAuthenticationException ex) {
			connection.channel.send(new ErrorFrame(frame.id(), "unauthorized", ex.getMessage()));
			connection.channel.close(CloseCode.UNAUTHORIZED.code(), CloseCode.UNAUTHORIZED.reason());
		}
		catch (NodeNotLiveException ex) {
			connection.channel.close(CloseCode.RECONNECT.code(), String.valueOf(ex.getMessage()));
		}
		catch (UnsupportedProtocolException ex) {
			connection.channel.send(new ErrorFrame(frame.id(), ex.code(), ex.getMessage()));
			connection.channel.close(CloseCode.PROTOCOL_ERROR.code(), "unsupported protocol version");
		}
		catch (NexusException ex) {
			String code = errorCode(ex);
			boolean violation = "invalid_frame".equals(code);
			if (violation) {
				violation(connection, frame.id(), code, ex.getMessage());
			}
			else {
				connection.channel.send(new ErrorFrame(frame.id(), code, ex.getMessage()));
			}
		}
		catch (RuntimeException ex) {
			if (DatabaseOutage.isCause(ex)) {
				logger.warn("Refused {} from {}: the database is unavailable ({})", frame.type(),
						connection.channel.describe(), ex.getMessage());
				connection.channel.send(unavailable(frame));
				return;
			}
			logger.error("Failed to handle {} from {}", frame.type(), connection.channel.describe(), ex);
			connection.channel.send(new ErrorFrame(frame.id(), "internal_error", "Nexus failed to handle the frame"));
		}
		finally {
			LogContext.swap(LogContext.AGENT_ID, null);
			LogContext.swap(LogContext.TASK_ID, null);
		}
	}

	private void route(AgentConnection connection, AgentId agentId, AgentFrame frame) {
		if (frame instanceof LeasedFrame leased) {
			Lease lease = new Lease(new TaskId(require(leased.taskId(), "task_id")), agentId, leased.leaseEpoch());
			if (frame instanceof InputRequest request) {
				ask(connection, lease, request);
				return;
			}
			boolean ackWanted = !(frame instanceof TaskProgress) || frame.id() != null;
			answer(connection, frame, leased.taskId(), report(lease, frame), ackWanted);
		}
		else if (frame instanceof Heartbeat heartbeat) {
			this.heartbeats.heartbeat(agentId, heartbeat);
		}
		else if (frame instanceof StatusUpdate update) {
			this.heartbeats.statusUpdate(agentId, require(update.status(), "status"));
			ack(connection, update.id(), null);
		}
		else if (frame instanceof AgentMessage agentMessage) {
			this.messages.message(agentId, agentMessage);
			if (agentMessage.id() != null) {
				ack(connection, agentMessage.id(), null);
			}
		}
		else {
			connection.channel
				.send(new ErrorFrame(frame.id(), "already_registered", "this connection is already registered"));
		}
	}

	/**
	 * Hands a report on a leased task to {@link AgentReports}; the future completes once
	 * it is stored.
	 */
	private CompletableFuture<Void> report(Lease lease, AgentFrame frame) {
		UsageReport usage = usage(frame);
		if (frame instanceof TaskAccept) {
			return this.reports.accept(lease);
		}
		if (frame instanceof TaskProgress progress) {
			return this.reports.progress(lease, progress.progress(), truncate(progress.message(), 500), usage);
		}
		if (frame instanceof TaskComplete complete) {
			return this.reports.complete(lease,
					(complete.result() != null) ? this.writer.writeValueAsString(complete.result()) : null,
					complete.traceparent(), usage);
		}
		if (frame instanceof TaskFail fail) {
			return this.reports.fail(lease,
					(fail.error() != null) ? truncate(fail.error(), 500) : "failed without a reason",
					!Boolean.FALSE.equals(fail.retryable()), usage);
		}
		throw new IllegalStateException("not a report on a leased task: " + frame.type());
	}

	/**
	 * A question for a person: acknowledged once stored; asked again under the same lease
	 * after it was answered, the answer follows the {@code ack} ({@code input_response}).
	 */
	private void ask(AgentConnection connection, Lease lease, InputRequest request) {
		String schemaJson = (request.schema() != null) ? this.writer.writeValueAsString(request.schema()) : null;
		this.reports.ask(lease, request, schemaJson).whenComplete((question, failure) -> {
			respond(connection, request, lease.taskId().value(), failure, true);
			if (failure == null && InputQuestion.ANSWERED.equals(question.state())) {
				connection.channel.send(new InputResponse(question.taskId().value(), lease.epoch(),
						question.requestId(), this.reader.readValue(question.answerJson(), Object.class)));
			}
		});
	}

	/**
	 * The usage a report carries, checked against its bounds before anything is stored: a
	 * report outside them is refused whole ({@code invalid_frame}).
	 */
	private static @Nullable UsageReport usage(AgentFrame frame) {
		UsageReport usage = (frame instanceof TaskProgress progress) ? progress.usage()
				: (frame instanceof TaskComplete complete) ? complete.usage()
						: (frame instanceof TaskFail fail) ? fail.usage() : null;
		String problem = (usage != null) ? usage.problem() : null;
		if (problem != null) {
			throw InvalidRequestException.badRequest("invalid_frame", problem);
		}
		return usage;
	}

	/**
	 * Answers a report once its group commit is durable: {@code ack}, or the
	 * {@code error} that refused it.
	 */
	private void answer(AgentConnection connection, AgentFrame frame, String taskId, CompletableFuture<Void> written,
			boolean ackWanted) {
		written.whenComplete((ignored, failure) -> respond(connection, frame, taskId, failure, ackWanted));
	}

	private void respond(AgentConnection connection, AgentFrame frame, String taskId, @Nullable Throwable failure,
			boolean ackWanted) {
		Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
		if (cause == null) {
			if (ackWanted) {
				ack(connection, frame.id(), taskId);
			}
		}
		else if (cause instanceof NexusException refusal) {
			connection.channel.send(new ErrorFrame(frame.id(), errorCode(refusal), refusal.getMessage()));
		}
		else if (DatabaseOutage.isCause(cause)) {
			// the agent keeps the report and sends it again: nothing is lost
			logger.warn("Could not store {} from {}: the database is unavailable ({})", frame.type(),
					connection.channel.describe(), cause.getMessage());
			connection.channel.send(unavailable(frame));
		}
		else {
			logger.error("Failed to store {} from {}", frame.type(), connection.channel.describe(), cause);
			connection.channel.send(new ErrorFrame(frame.id(), "internal_error", "Nexus failed to store the report"));
		}
	}

	private static ErrorFrame unavailable(AgentFrame frame) {
		return ErrorFrame.unavailable(frame.id(), "the database is unavailable; send the frame again in "
				+ DatabaseOutage.RETRY_AFTER_SECONDS + " seconds or after reconnecting");
	}

	private static String errorCode(NexusException ex) {
		return switch (ex.code()) {
			case "task_not_found" -> "unknown_task";
			case "invalid_task_id", "invalid_agent_id" -> "invalid_frame";
			default -> ex.code();
		};
	}

	private static String require(@Nullable String value, String field) {
		if (value == null || value.isBlank()) {
			throw InvalidRequestException.badRequest("invalid_frame", field + " is required");
		}
		return value;
	}

	private static @Nullable String truncate(@Nullable String value, int max) {
		return (value != null && value.length() > max) ? value.substring(0, max) : value;
	}

	private void ack(AgentConnection connection, @Nullable String id, @Nullable String taskId) {
		connection.channel.send(new Ack(id, taskId));
	}

	private void violation(AgentConnection connection, @Nullable String id, String code, String message) {
		connection.channel.send(new ErrorFrame(id, code, message));
		if (++connection.violations >= this.properties.maxViolations()) {
			connection.channel.close(CloseCode.PROTOCOL_ERROR.code(), CloseCode.PROTOCOL_ERROR.reason());
		}
	}

	/**
	 * Frames arrive in parts of at most the container's small buffer, so that an idle
	 * connection holds only a few KiB; a frame is assembled here, up to the frame limit.
	 */
	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	@Override
	protected void handlePongMessage(WebSocketSession session, PongMessage message) {
		this.metrics.pong(message.getPayload());
		AgentConnection connection = this.connections.get(session.getId());
		if (connection != null && connection.agentId != null) {
			this.heartbeats.touch(connection.agentId);
		}
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		logger.debug("Transport error on {}: {}", session.getId(), exception.getMessage());
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		AgentConnection connection = this.connections.remove(session.getId());
		if (connection != null) {
			this.metrics.closed();
			this.addresses.release(session.getRemoteAddress());
		}
		if (connection != null && connection.agentId != null) {
			this.registrations.disconnected(connection.agentId, connection.channel);
		}
	}

	/**
	 * Closes connections that did not register in time.
	 */
	@Scheduled(fixedDelayString = "${nexus.dispatch.reaper-interval:1s}")
	void closeUnregistered() {
		Instant deadline = this.clock.instant().minus(this.properties.registerTimeout());
		this.connections.values()
			.stream()
			.filter((connection) -> connection.agentId == null && connection.openedAt.isBefore(deadline))
			.forEach((connection) -> connection.channel.close(CloseCode.UNAUTHORIZED.code(),
					"no agent_register in time"));
	}

	int openConnections() {
		return this.connections.size();
	}

}
