package io.nexus.sdk;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.nexus.protocol.CloseCode;
import io.nexus.protocol.frames.Ack;
import io.nexus.protocol.frames.AgentMessage;
import io.nexus.protocol.frames.AgentRegister;
import io.nexus.protocol.frames.ErrorFrame;
import io.nexus.protocol.frames.Frame;
import io.nexus.protocol.frames.Heartbeat;
import io.nexus.protocol.frames.InputResponse;
import io.nexus.protocol.frames.Ping;
import io.nexus.protocol.frames.Registered;
import io.nexus.protocol.frames.TaskAssigned;
import io.nexus.protocol.frames.TaskCancel;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the agent connected: opens the WebSocket, registers, sends heartbeats, routes
 * incoming frames, and reconnects with backoff until stopped or rejected. Its state is
 * confined to the event loop; connection callbacks are posted there.
 */
final class Connector implements SocketConnection.Events {

	private static final System.Logger logger = System.getLogger(Connector.class.getName());

	private static final int DEFAULT_HEARTBEAT_SECONDS = 30;

	private final AgentSettings settings;

	private final ScheduledExecutorService loop;

	private final HttpClient client;

	private final FrameCodec codec;

	private final FrameSender sender;

	private final TaskRunner runner;

	private final RegistrationStatus status;

	private final AgentIdentity identity;

	private final ServerRotation servers;

	private final Consumer<AgentMessage> messages;

	private final Consumer<AgentRejectedException> rejected;

	private volatile @Nullable SocketConnection current;

	private volatile boolean stopping;

	private @Nullable ScheduledFuture<?> heartbeat;

	private @Nullable ScheduledFuture<?> registrationTimer;

	private @Nullable String lastError;

	private int failures;

	Connector(AgentSettings settings, ScheduledExecutorService loop, FrameCodec codec, FrameSender sender,
			TaskRunner runner, RegistrationStatus status, Consumer<AgentMessage> messages,
			Consumer<AgentRejectedException> rejected) {
		this.settings = settings;
		this.loop = loop;
		this.codec = codec;
		this.sender = sender;
		this.runner = runner;
		this.status = status;
		this.messages = messages;
		this.rejected = rejected;
		this.identity = new AgentIdentity(settings.agentId(), settings.token(), settings.enrollmentKey());
		this.servers = new ServerRotation(settings.serverUris());
		this.client = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
	}

	AgentIdentity identity() {
		return this.identity;
	}

	void connect() {
		if (this.stopping) {
			return;
		}
		SocketConnection connection = new SocketConnection(this);
		this.current = connection;
		URI server = this.servers.current();
		logger.log(Level.DEBUG, "Connecting to {0}", server);
		connection.open(this.client, server, this.identity.bearer(), this.settings.connectTimeout())
			.whenComplete((webSocket, ex) -> {
				if (ex != null) {
					post(() -> connectFailed(connection, ex));
				}
			});
	}

	/**
	 * Closes the connection politely; no reconnection follows. Runs on the loop.
	 * @param code the close code
	 * @param reason the reason
	 * @return completes when the connection has ended
	 */
	CompletableFuture<Void> shutdown(int code, String reason) {
		this.stopping = true;
		SocketConnection connection = disconnected();
		if (connection == null) {
			return CompletableFuture.completedFuture(null);
		}
		return connection.close(code, reason).thenCompose((ignored) -> connection.terminated());
	}

	/**
	 * Drops the connection without a goodbye; no reconnection follows. Safe from any
	 * thread.
	 */
	void abort() {
		this.stopping = true;
		SocketConnection connection = this.current;
		if (connection != null) {
			connection.abort("agent stopped");
		}
	}

	@Override
	public void opened(SocketConnection connection) {
		post(() -> {
			if (connection == this.current && !this.stopping) {
				connection.send(this.codec.encode(register()));
				this.registrationTimer = this.loop.schedule(() -> registrationTimedOut(connection),
						this.settings.registrationTimeout().toMillis(), TimeUnit.MILLISECONDS);
			}
		});
	}

	@Override
	public void text(SocketConnection connection, String text) {
		post(() -> {
			if (connection == this.current && !this.stopping) {
				this.codec.decode(text).ifPresent((frame) -> dispatch(connection, frame));
			}
		});
	}

	@Override
	public void closed(SocketConnection connection, int code, String reason) {
		post(() -> {
			if (connection != this.current) {
				return;
			}
			disconnected();
			if (this.stopping) {
				return;
			}
			CloseCode closeCode = CloseCode.of(code).orElse(null);
			if (closeCode == CloseCode.UNAUTHORIZED) {
				reject("Nexus refused the agent's credentials: " + describe(reason));
				return;
			}
			if (closeCode != null && !closeCode.reconnect()) {
				reject("Nexus closed the connection for good (" + code + "): " + describe(reason));
				return;
			}
			Level level = (code >= 4000) ? Level.WARNING : Level.INFO;
			logger.log(level, "Connection to Nexus closed ({0} {1})", code, describe(reason));
			// 4503: the node is shutting down and has kept the leases: come back at once
			scheduleReconnect(closeCode == CloseCode.RECONNECT);
		});
	}

	private void dispatch(SocketConnection connection, Frame frame) {
		boolean registered = this.sender.isReady();
		if (frame instanceof Registered registration) {
			registered(connection, registration);
		}
		else if (frame instanceof ErrorFrame error) {
			if (!this.runner.onError(error)) {
				String text = error.code() + ": " + error.message();
				logger.log(Level.WARNING, "Nexus reported an error: {0}", text);
				if (!registered) {
					this.lastError = text;
					if (error.mayRetry()) {
						// Nexus cannot register the agent now (its database is away): try
						// again with backoff rather than wait for the registration
						// timeout
						connection.abort("registration refused for now");
					}
				}
			}
		}
		else if (!registered) {
			logger.log(Level.WARNING, "Ignoring ''{0}'' received before ''registered''", frame.type());
		}
		else if (frame instanceof TaskAssigned assignment) {
			this.runner.onAssigned(assignment);
		}
		else if (frame instanceof TaskCancel cancel) {
			this.runner.onCancel(cancel);
		}
		else if (frame instanceof InputResponse response) {
			this.runner.onInputResponse(response);
		}
		else if (frame instanceof Ack ack) {
			this.runner.onAck(ack);
		}
		else if (frame instanceof Ping) {
			sendHeartbeat();
		}
		else if (frame instanceof AgentMessage message) {
			this.messages.accept(message);
		}
		else {
			logger.log(Level.INFO, "Ignoring ''{0}'': not a frame Nexus sends to agents", frame.type());
		}
	}

	private void registered(SocketConnection connection, Registered registration) {
		cancel(this.registrationTimer);
		this.identity.registered(registration.agentId(), registration.token());
		if (registration.token() != null) {
			logger.log(Level.INFO, "Enrolled: Nexus issued an agent token, used from now on");
		}
		this.failures = 0;
		this.lastError = null;
		this.sender.attach(connection);
		int interval = (registration.heartbeatIntervalSeconds() > 0) ? registration.heartbeatIntervalSeconds()
				: DEFAULT_HEARTBEAT_SECONDS;
		cancel(this.heartbeat);
		this.heartbeat = this.loop.scheduleAtFixedRate(this::sendHeartbeat, interval, interval, TimeUnit.SECONDS);
		this.runner.onRegistered(registration.resumedTasks());
		logger.log(Level.INFO, "Registered with Nexus as {0} ({1} leases resumed)", this.identity.agentId(),
				(registration.resumedTasks() != null) ? registration.resumedTasks().size() : 0);
		this.status.registered(true);
	}

	private AgentRegister register() {
		return new AgentRegister(AgentRegister.TYPE, this.sender.nextId(), this.identity.agentId(),
				this.settings.name(), this.identity.credential(), this.settings.capabilities(),
				this.settings.maxConcurrency(), NexusSdk.PROTOCOL_VERSION, this.runner.leases());
	}

	private void sendHeartbeat() {
		this.sender.send(new Heartbeat(Heartbeat.TYPE, null, ResourceUsage.cpuPercent(), ResourceUsage.memoryPercent(),
				this.runner.heldTaskIds(), System.currentTimeMillis()));
	}

	private void registrationTimedOut(SocketConnection connection) {
		if (connection == this.current && !this.sender.isReady()) {
			logger.log(Level.WARNING, "Nexus did not answer agent_register within {0}",
					this.settings.registrationTimeout());
			connection.abort("registration timed out");
		}
	}

	private void connectFailed(SocketConnection connection, Throwable failure) {
		if (connection != this.current || this.stopping) {
			return;
		}
		disconnected();
		Throwable cause = failure;
		while (cause.getCause() != null && !(cause instanceof WebSocketHandshakeException)) {
			cause = cause.getCause();
		}
		if (cause instanceof WebSocketHandshakeException handshake) {
			int statusCode = handshake.getResponse().statusCode();
			if (statusCode == 401 || statusCode == 403) {
				reject("Nexus refused the agent's credentials (HTTP " + statusCode + ")");
				return;
			}
		}
		logger.log(Level.WARNING, "Cannot connect to {0}: {1}", this.servers.current(), cause.toString());
		scheduleReconnect(false);
	}

	private void scheduleReconnect(boolean atOnce) {
		if (this.servers.size() > 1) {
			logger.log(Level.INFO, "Trying the next Nexus node: {0}", this.servers.advance());
		}
		Duration delay = atOnce ? Duration.ZERO : this.settings.backoff().delay(this.failures);
		this.failures++;
		logger.log(Level.INFO, "Reconnecting to Nexus in {0} ms", delay.toMillis());
		this.loop.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void reject(String message) {
		this.stopping = true;
		AgentRejectedException rejection = new AgentRejectedException(message);
		logger.log(Level.ERROR, message);
		this.status.rejected(rejection);
		this.rejected.accept(rejection);
	}

	private @Nullable SocketConnection disconnected() {
		SocketConnection connection = this.current;
		this.current = null;
		this.sender.detach();
		cancel(this.heartbeat);
		cancel(this.registrationTimer);
		this.status.registered(false);
		return connection;
	}

	private String describe(String reason) {
		String text = reason;
		if (this.lastError != null) {
			text = text.isEmpty() ? this.lastError : text + " (" + this.lastError + ")";
		}
		return text.isEmpty() ? "no reason given" : text;
	}

	private void cancel(@Nullable ScheduledFuture<?> future) {
		if (future != null) {
			future.cancel(false);
		}
	}

	private void post(Runnable action) {
		try {
			this.loop.execute(action);
		}
		catch (RejectedExecutionException ex) {
			logger.log(Level.DEBUG, "Agent stopped; dropping a connection event");
		}
	}

}
