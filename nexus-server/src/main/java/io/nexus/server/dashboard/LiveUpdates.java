package io.nexus.server.dashboard;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.nexus.server.agents.AgentChanged;
import io.nexus.server.agents.AgentDeleted;
import io.nexus.server.dispatch.AgentConnections;
import io.nexus.server.dispatch.ClusterEvent;
import io.nexus.server.dispatch.ClusterEvents;
import io.nexus.server.dispatch.ConnectedAgent;
import io.nexus.server.tasks.TaskStatusChanged;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Pushes "something changed" to every open dashboard page over Server-Sent Events.
 * Changes are coalesced: committed task and agent changes set flags that a 250 ms tick
 * turns into at most one message per kind, so a busy fleet cannot flood the browsers;
 * pages then re-fetch the regions they show. Agent connections are not events of their
 * own, so the tick also watches the set of connected agents.
 * <p>
 * Other nodes sharing the database hear of this node's changes: a tick that saw local
 * changes sends one {@link ClusterEvent#LIVE} event (at most four a second), and the
 * pages open on those nodes refresh too. Received hints are not sent on again.
 * <p>
 * A stopping node ends its streams before the web server's graceful shutdown: an open
 * stream is a request that never finishes by itself (and one whose browser went away is
 * only noticed at the next write, which no tick makes any more), so it would hold the
 * shutdown for its whole timeout. The pages reconnect a second later, to a node that is
 * up.
 */
@Component
class LiveUpdates implements SmartLifecycle {

	/** Before the web server's graceful shutdown (DEFAULT_PHASE - 1024). */
	private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final long STREAM_TIMEOUT = Duration.ofMinutes(30).toMillis();

	private final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();

	private final AgentConnections connections;

	private final AtomicLong taskChanges = new AtomicLong();

	private final AtomicLong agentChanges = new AtomicLong();

	private final AtomicLong localTaskChanges = new AtomicLong();

	private final AtomicLong localAgentChanges = new AtomicLong();

	private final ClusterEvents cluster;

	private long localTaskChangesSent;

	private long localAgentChangesSent;

	private long taskChangesSent;

	private long agentChangesSent;

	private Set<String> connected = Set.of();

	private int ticks;

	private volatile boolean running;

	LiveUpdates(AgentConnections connections, ClusterEvents cluster) {
		this.connections = connections;
		this.cluster = cluster;
	}

	SseEmitter open() {
		SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT);
		emitter.onCompletion(() -> this.emitters.remove(emitter));
		emitter.onTimeout(() -> this.emitters.remove(emitter));
		emitter.onError((ex) -> this.emitters.remove(emitter));
		this.emitters.add(emitter);
		send(emitter, SseEmitter.event().name("hello").data("connected").reconnectTime(1000));
		if (!this.running) {
			// opened while the node stops: the page comes back in a second
			this.emitters.remove(emitter);
			emitter.complete();
		}
		return emitter;
	}

	int subscribers() {
		return this.emitters.size();
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Ends every open stream (also when the test framework pauses a cached context: its
	 * pages are gone by then).
	 */
	@Override
	public void stop() {
		this.running = false;
		for (SseEmitter emitter : this.emitters) {
			this.emitters.remove(emitter);
			emitter.complete();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onTaskStatusChanged(TaskStatusChanged event) {
		this.localTaskChanges.incrementAndGet();
		this.taskChanges.incrementAndGet();
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onAgentChanged(AgentChanged event) {
		this.localAgentChanges.incrementAndGet();
		this.agentChanges.incrementAndGet();
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onAgentDeleted(AgentDeleted event) {
		this.localAgentChanges.incrementAndGet();
		this.agentChanges.incrementAndGet();
	}

	@EventListener
	void onClusterEvent(ClusterEvent event) {
		String kinds = event.field("kinds");
		if (!ClusterEvent.LIVE.equals(event.kind()) || kinds == null) {
			return;
		}
		if (kinds.contains("tasks")) {
			this.taskChanges.incrementAndGet();
		}
		if (kinds.contains("agents")) {
			this.agentChanges.incrementAndGet();
		}
	}

	@Scheduled(fixedDelay = 250)
	synchronized void tick() {
		Set<String> now = new TreeSet<>();
		for (ConnectedAgent agent : this.connections.all()) {
			now.add(agent.id().value());
		}
		if (!now.equals(this.connected)) {
			this.connected = Set.copyOf(now);
			this.localAgentChanges.incrementAndGet();
			this.agentChanges.incrementAndGet();
		}
		tellOtherNodes();
		long tasks = this.taskChanges.get();
		long agents = this.agentChanges.get();
		boolean tasksMoved = tasks != this.taskChangesSent;
		boolean agentsMoved = agents != this.agentChangesSent;
		this.taskChangesSent = tasks;
		this.agentChangesSent = agents;
		if (tasksMoved || agentsMoved) {
			String kinds = (tasksMoved && agentsMoved) ? "tasks agents" : (tasksMoved ? "tasks" : "agents");
			broadcast(() -> SseEmitter.event().name("changed").data(kinds, MediaType.TEXT_PLAIN));
		}
		else if (++this.ticks % 60 == 0) {
			// a comment every 15 s keeps proxies from closing an idle stream
			broadcast(() -> SseEmitter.event().comment("keep-alive"));
		}
	}

	private void tellOtherNodes() {
		long tasks = this.localTaskChanges.get();
		long agents = this.localAgentChanges.get();
		boolean tasksMoved = tasks != this.localTaskChangesSent;
		boolean agentsMoved = agents != this.localAgentChangesSent;
		this.localTaskChangesSent = tasks;
		this.localAgentChangesSent = agents;
		if ((tasksMoved || agentsMoved) && this.cluster.enabled()) {
			String kinds = (tasksMoved && agentsMoved) ? "tasks agents" : (tasksMoved ? "tasks" : "agents");
			this.cluster.publish(ClusterEvent.LIVE, Map.of("kinds", kinds));
		}
	}

	// a builder renders itself once, so each emitter gets its own
	private void broadcast(Supplier<SseEmitter.SseEventBuilder> event) {
		for (SseEmitter emitter : this.emitters) {
			send(emitter, event.get());
		}
	}

	private void send(SseEmitter emitter, SseEmitter.SseEventBuilder event) {
		try {
			emitter.send(event);
		}
		catch (IOException | IllegalStateException ex) {
			this.emitters.remove(emitter);
			emitter.completeWithError(ex);
		}
	}

}
