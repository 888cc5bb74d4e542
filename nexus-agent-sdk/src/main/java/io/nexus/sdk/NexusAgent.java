package io.nexus.sdk;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.nexus.protocol.frames.AgentMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * An agent connected to Nexus: it registers, keeps the connection alive, runs the tasks
 * Nexus assigns with a {@link TaskHandler}, and reports their outcome until it is
 * acknowledged. Build one with {@link #builder()}, then {@link #start()} it.
 *
 * <p>
 * Threads: one event-loop thread ({@code nexus-agent-io}, not a daemon, so the JVM stays
 * up while the agent runs) owns the connection and the leases; handlers run on a fixed
 * pool of {@code maxConcurrency} daemon threads; message listeners run, in order, on one
 * daemon thread. All public methods are thread-safe.
 */
public final class NexusAgent implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(NexusAgent.class.getName());

	private static final Duration CLOSE_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

	private final AgentSettings settings;

	private final ScheduledThreadPoolExecutor loop;

	private final ExecutorService workers;

	private final ExecutorService listenerThread;

	private final FrameSender sender;

	private final TaskRunner runner;

	private final Connector connector;

	private final RegistrationStatus status = new RegistrationStatus();

	private final List<Consumer<ReceivedMessage>> listeners = new CopyOnWriteArrayList<>();

	private final AtomicBoolean started = new AtomicBoolean();

	private final AtomicBoolean stopped = new AtomicBoolean();

	NexusAgent(AgentSettings settings) {
		this.settings = settings;
		this.loop = new ScheduledThreadPoolExecutor(1, threads("nexus-agent-io", false));
		this.loop.setRemoveOnCancelPolicy(true);
		this.loop.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.workers = Executors.newFixedThreadPool(settings.maxConcurrency(), threads("nexus-agent-task-", true));
		this.listenerThread = Executors.newSingleThreadExecutor(threads("nexus-agent-messages", true));
		FrameCodec codec = new FrameCodec();
		this.sender = new FrameSender(codec);
		this.runner = new TaskRunner(this.loop, this.workers, this.sender, settings.handler(), settings.dataMapper(),
				settings.backoff());
		this.connector = new Connector(settings, this.loop, codec, this.sender, this.runner, this.status, this::deliver,
				(rejection) -> rejected());
	}

	/**
	 * Starts configuring an agent.
	 * @return a builder
	 */
	public static NexusAgentBuilder builder() {
		return new NexusAgentBuilder();
	}

	/**
	 * Connects in the background and returns at once. Connection failures are retried
	 * with backoff until {@link #close()}; refused credentials stop the agent.
	 * @throws IllegalStateException if the agent was started or stopped before
	 */
	public void start() {
		if (this.stopped.get() || !this.started.compareAndSet(false, true)) {
			throw new IllegalStateException("The agent can be started once");
		}
		this.loop.execute(this.connector::connect);
	}

	/**
	 * Waits until the agent is registered with Nexus.
	 * @param timeout how long to wait
	 * @return {@code true} if registered, {@code false} on timeout or once stopped
	 * @throws InterruptedException if interrupted while waiting
	 * @throws AgentRejectedException if Nexus refused the agent's credentials
	 */
	public boolean awaitRegistered(Duration timeout) throws InterruptedException {
		return this.status.await(timeout);
	}

	/**
	 * Whether the agent is connected and registered now.
	 * @return {@code true} if frames go out
	 */
	public boolean isConnected() {
		return this.status.isRegistered();
	}

	/**
	 * The agent's id, as Nexus confirmed it once registered.
	 * @return the id
	 */
	public String agentId() {
		return this.connector.identity().agentId();
	}

	/**
	 * The token Nexus issued when the agent enrolled with a key. Keep it (Nexus shows it
	 * once) and configure it with {@link NexusAgentBuilder#token(String)} next time.
	 * @return the token, or empty
	 */
	public Optional<String> issuedToken() {
		return this.connector.identity().issuedToken();
	}

	/**
	 * The tasks this agent holds: running, or finished with a result that Nexus has not
	 * acknowledged yet.
	 * @return their ids
	 */
	public Set<String> runningTasks() {
		return Set.copyOf(this.runner.heldTaskIds());
	}

	/**
	 * Sends a message to another agent, or to every agent with a capability.
	 * @param to the recipient
	 * @param body any value Jackson can write
	 * @return completes when the frame is written; fails if the agent is not connected
	 */
	public CompletableFuture<Void> sendMessage(Recipient to, Object body) {
		Objects.requireNonNull(to, "to");
		JsonNode json = this.settings.dataMapper().valueToTree(body);
		return this.sender
			.send(new AgentMessage(AgentMessage.TYPE, this.sender.nextId(), to.agentId(), to.capability(), null, json));
	}

	/**
	 * Adds a listener for messages from other agents. Listeners run in order on one
	 * thread; one that throws is logged and does not stop the others.
	 * @param listener the listener
	 */
	public void onMessage(Consumer<ReceivedMessage> listener) {
		this.listeners.add(Objects.requireNonNull(listener, "listener"));
	}

	/**
	 * Stops gracefully: new assignments are refused ({@code task_fail}, retryable, "agent
	 * draining"), running handlers get up to the drain timeout to finish and have their
	 * results acknowledged, then the connection closes with code 1000. Handlers still
	 * running after the timeout are cancelled. Blocks until done; idempotent.
	 */
	@Override
	public void close() {
		if (!this.stopped.compareAndSet(false, true)) {
			return;
		}
		if (this.started.get()) {
			CompletableFuture<Void> drained = new CompletableFuture<>();
			if (onLoop(() -> this.runner.drain(drained))) {
				await(drained, this.settings.drainTimeout(), "running tasks to finish");
			}
			CompletableFuture<CompletableFuture<Void>> closing = new CompletableFuture<>();
			if (onLoop(() -> closing.complete(this.connector.shutdown(1000, "agent closed")))) {
				await(closing.thenCompose((closed) -> closed), CLOSE_HANDSHAKE_TIMEOUT, "the connection to close");
			}
			this.connector.abort();
			CompletableFuture<Void> cancelled = new CompletableFuture<>();
			if (onLoop(() -> {
				this.runner.cancelAll("agent closed");
				cancelled.complete(null);
			})) {
				await(cancelled, CLOSE_HANDSHAKE_TIMEOUT, "handlers to be cancelled");
			}
		}
		stopThreads();
		this.status.stopped();
	}

	/**
	 * Stops at once, as a crash would: the socket is dropped without a close frame,
	 * handlers are interrupted, nothing more is sent. For tests.
	 */
	public void kill() {
		this.stopped.set(true);
		this.connector.abort();
		this.runner.interruptAll();
		this.loop.shutdownNow();
		this.workers.shutdownNow();
		this.listenerThread.shutdownNow();
		this.status.stopped();
	}

	private void deliver(AgentMessage message) {
		JsonNode body = (message.body() != null) ? this.settings.dataMapper().valueToTree(message.body())
				: NullNode.getInstance();
		ReceivedMessage received = new ReceivedMessage(message.fromAgent(), message.toAgent(), message.toCapability(),
				body);
		try {
			this.listenerThread.execute(() -> this.listeners.forEach((listener) -> {
				try {
					listener.accept(received);
				}
				catch (RuntimeException ex) {
					logger.log(Level.WARNING, "A message listener failed", ex);
				}
			}));
		}
		catch (RejectedExecutionException ex) {
			logger.log(Level.DEBUG, "Agent stopped; dropping a message");
		}
	}

	private void rejected() {
		this.stopped.set(true);
		this.runner.cancelAll("Nexus refused the agent's credentials");
		stopThreads();
	}

	private void stopThreads() {
		this.loop.shutdown();
		this.workers.shutdownNow();
		this.listenerThread.shutdown();
		this.status.stopped();
	}

	private boolean onLoop(Runnable action) {
		try {
			this.loop.execute(action);
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
	}

	private static void await(CompletableFuture<?> future, Duration timeout, String what) {
		try {
			future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.log(Level.WARNING, "Gave up waiting for {0} after {1}", what, timeout);
		}
		catch (ExecutionException ex) {
			logger.log(Level.DEBUG, "Failed while waiting for " + what, ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static ThreadFactory threads(String name, boolean daemon) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, name.endsWith("-") ? name + count.incrementAndGet() : name);
			thread.setDaemon(daemon);
			return thread;
		};
	}

}
