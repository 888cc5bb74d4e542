package io.nexus.server.governance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentQuarantine;
import io.nexus.server.agents.AgentQuarantine.Reason;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.dispatch.AgentConnections;
import io.nexus.server.dispatch.AgentSignal;
import io.nexus.server.dispatch.AgentSignalListener;
import io.nexus.server.dispatch.ConnectedAgent;
import io.nexus.server.dispatch.DispatchProperties;
import io.nexus.server.dispatch.Dispatcher;
import io.nexus.server.governance.BreakerCounts.Seen;
import io.nexus.server.governance.BreakerCounts.Trip;
import io.nexus.server.governance.QuarantineProperties.Thresholds;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskLeases;
import jakarta.annotation.PreDestroy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The per-agent breaker: counts what the server sees each agent do (failures in a row,
 * the share of failures over a window, timeouts, assignments not accepted while the agent
 * keeps beating, reports on leases it no longer held) and quarantines an agent that
 * crosses a threshold ({@link QuarantineProperties}). A quarantined agent gets no new
 * work ({@code QuarantineRule}); its unaccepted assignments return to the queue, and its
 * running tasks may finish or are queued again. After the cool-down it is half-open: one
 * probe task at a time; success closes the breaker, anything else opens it again with
 * twice the cool-down.
 * <p>
 * Counting is in memory on the node that sees the signal, on the caller's thread, and
 * cheap; what it decides (quarantine, close, re-open) is written to the database on a
 * thread of its own, after reading the agent again, so that every node agrees and two
 * decisions never race.
 */
@Component
public class AgentBreaker implements AgentSignalListener {

	private static final Logger logger = LoggerFactory.getLogger(AgentBreaker.class);

	private final QuarantineProperties properties;

	private final DispatchProperties dispatch;

	private final AgentRegistry registry;

	private final AgentConnections connections;

	private final TaskLeases leases;

	private final Dispatcher dispatcher;

	private final AuditLog audit;

	private final JsonMapper json;

	private final Clock clock;

	private final MeterRegistry meters;

	private final Map<AgentId, BreakerCounts> counters = new ConcurrentHashMap<>();

	private final ExecutorService decisions = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "nexus-quarantine");
		thread.setDaemon(true);
		return thread;
	});

	AgentBreaker(QuarantineProperties properties, DispatchProperties dispatch, AgentRegistry registry,
			AgentConnections connections, TaskLeases leases, Dispatcher dispatcher, AuditLog audit, JsonMapper json,
			Clock clock, MeterRegistry meters) {
		this.properties = properties;
		this.dispatch = dispatch;
		this.registry = registry;
		this.connections = connections;
		this.leases = leases;
		this.dispatcher = dispatcher;
		this.audit = audit;
		this.json = json;
		this.clock = clock;
		this.meters = meters;
	}

	@Override
	public void signal(AgentId agentId, AgentSignal signal, TaskId task) {
		ConnectedAgent connected = this.connections.get(agentId).orElse(null);
		if (connected != null) {
			judge(connected.agent(), signal, task);
		}
		else if (signal != AgentSignal.ACCEPTED) {
			// a timeout reaped here for an agent connected elsewhere, or one that left
			decide(() -> this.registry.find(agentId).ifPresent((agent) -> judge(agent, signal, task)));
		}
	}

	/**
	 * Quarantines an agent by hand; it stays so until an operator releases it.
	 * @param agentId the agent
	 * @param reason why
	 * @param actor who
	 * @return the agent as it is now
	 */
	public Agent quarantine(AgentId agentId, String reason, String actor) {
		Agent agent = this.registry.get(agentId);
		Instant now = this.clock.instant();
		AgentQuarantine quarantine = new AgentQuarantine(Reason.MANUAL, "quarantined by " + actor + ": " + reason,
				evidence(List.of()), now, null, (agent.quarantine() != null) ? agent.quarantine().trips() : 0, actor);
		return enter(agent, quarantine, actor);
	}

	/**
	 * Releases an agent from quarantine by hand.
	 * @param agentId the agent
	 * @param actor who
	 * @return the agent as it is now, or empty if it was not in quarantine
	 */
	public Optional<Agent> release(AgentId agentId, String actor) {
		Optional<Agent> released = this.registry.release(agentId);
		released.ifPresent((agent) -> {
			this.counters.remove(agentId);
			this.audit.recordAs(actor, "agent.released", agentId.value(), AuditLog.SUCCESS, "released by hand");
			count("nexus.agent.quarantine.releases", "by", "operator");
		});
		return released;
	}

	/**
	 * The agents in quarantine, longest first.
	 * @param limit the most to return
	 * @return the agents
	 */
	public List<Agent> quarantined(int limit) {
		return this.registry.quarantined(limit);
	}

	/**
	 * Wakes dispatch when a connected agent's cool-down has passed, so that its probe
	 * task goes without waiting for other news.
	 */
	@Scheduled(fixedDelayString = "${nexus.dispatch.reaper-interval:1s}")
	void wakeHalfOpen() {
		long now = this.clock.millis();
		for (ConnectedAgent agent : this.connections.all()) {
			AgentQuarantine quarantine = agent.agent().quarantine();
			if (quarantine != null && quarantine.halfOpen(now) && agent.held() == 0) {
				this.dispatcher.wake();
				return;
			}
		}
	}

	@PreDestroy
	void stop() {
		this.decisions.shutdownNow();
	}

	private void judge(Agent agent, AgentSignal signal, TaskId task) {
		AgentQuarantine quarantine = agent.quarantine();
		if (quarantine != null) {
			if (quarantine.halfOpen(this.clock.millis()) && signal != AgentSignal.ACCEPTED
					&& signal != AgentSignal.STALE_REPORT) {
				decide(() -> probed(agent.id(), signal, task));
			}
			return;
		}
		Thresholds thresholds = this.properties.thresholdsFor(agent.labels());
		if (!thresholds.enabled()) {
			return;
		}
		Instant now = this.clock.instant();
		BreakerCounts counts = this.counters.computeIfAbsent(agent.id(), (id) -> new BreakerCounts());
		Trip trip;
		synchronized (counts) {
			trip = counts.record(signal, task, now, thresholds, this.properties.window(), this.dispatch.ackTimeout());
		}
		if (trip != null) {
			this.counters.remove(agent.id());
			decide(() -> trip(agent.id(), trip));
		}
	}

	private void trip(AgentId agentId, Trip trip) {
		Agent agent = this.registry.find(agentId).orElse(null);
		if (agent == null || agent.quarantine() != null) {
			return;
		}
		Instant now = this.clock.instant();
		enter(agent, new AgentQuarantine(trip.reason(), trip.detail(), evidence(trip.evidence()), now,
				now.plus(cooldown(1)), 1, AgentQuarantine.SYSTEM), AgentQuarantine.SYSTEM);
	}

	private void probed(AgentId agentId, AgentSignal signal, TaskId task) {
		Agent agent = this.registry.find(agentId).orElse(null);
		AgentQuarantine quarantine = (agent != null) ? agent.quarantine() : null;
		if (agent == null || quarantine == null || !quarantine.halfOpen(this.clock.millis())) {
			return;
		}
		if (signal == AgentSignal.SUCCEEDED) {
			if (this.registry.release(agentId).isPresent()) {
				this.counters.remove(agentId);
				this.audit.recordAs(AgentQuarantine.SYSTEM, "agent.released", agentId.value(), AuditLog.SUCCESS,
						"probe task " + task + " succeeded after " + quarantine.reason().wireName());
				count("nexus.agent.quarantine.releases", "by", "probe");
				logger.info("Agent {} is out of quarantine: probe task {} succeeded", agentId, task);
			}
			return;
		}
		int trips = quarantine.trips() + 1;
		Duration cooldown = cooldown(trips);
		Instant now = this.clock.instant();
		String outcome = switch (signal) {
			case FAILED -> "failed";
			case TIMED_OUT -> "timed out";
			case NOT_ACCEPTED -> "was not accepted";
			default -> signal.name().toLowerCase(Locale.ROOT);
		};
		enter(agent, new AgentQuarantine(Reason.PROBE_FAILED,
				"probe task " + task + " " + outcome + "; cool-down " + cooldown.toSeconds() + "s (opening " + trips
						+ ", first for " + quarantine.reason().wireName() + ")",
				evidence(List.of(new Seen(signal, task, now))), now, now.plus(cooldown), trips, AgentQuarantine.SYSTEM),
				AgentQuarantine.SYSTEM);
	}

	private Agent enter(Agent agent, AgentQuarantine quarantine, String actor) {
		Agent updated = this.registry.quarantine(agent.id(), quarantine);
		this.counters.remove(agent.id());
		int requeued = 0;
		String why = "agent quarantined: " + quarantine.detail();
		for (Task task : this.leases.heldBy(agent.id())) {
			// an unaccepted assignment was never tried: it goes back with its attempt;
			// a running task that is taken back counts as an attempt, as for a lost agent
			boolean back = (task.status() == TaskStatus.ASSIGNED) ? this.leases.release(task.lease(), why)
					: this.properties.runningTasks() == QuarantineProperties.RunningTasks.REQUEUE
							&& this.leases.revoke(task.lease(), why);
			requeued += back ? 1 : 0;
		}
		this.audit.recordAs(actor, "agent.quarantined", agent.id().value(), AuditLog.SUCCESS,
				quarantine.reason().wireName() + ": " + quarantine.detail()
						+ ((requeued > 0) ? "; " + requeued + " task(s) queued again" : ""));
		count("nexus.agent.quarantine.trips", "reason", quarantine.reason().wireName());
		logger.warn("Agent {} quarantined ({}): {}", agent.id(), quarantine.reason().wireName(), quarantine.detail());
		return updated;
	}

	private Duration cooldown(int trips) {
		Duration cooldown = this.properties.cooldown();
		for (int i = 1; i < trips && cooldown.compareTo(this.properties.maxCooldown()) < 0; i++) {
			cooldown = cooldown.multipliedBy(2);
		}
		return (cooldown.compareTo(this.properties.maxCooldown()) > 0) ? this.properties.maxCooldown() : cooldown;
	}

	private String evidence(List<Seen> seen) {
		List<Map<String, String>> items = new ArrayList<>();
		for (Seen one : seen) {
			Map<String, String> item = new LinkedHashMap<>();
			item.put("signal", one.signal().name().toLowerCase(Locale.ROOT));
			item.put("task_id", one.task().value());
			item.put("at", one.at().toString());
			items.add(item);
		}
		return this.json.writeValueAsString(items);
	}

	private void decide(Runnable decision) {
		try {
			this.decisions.execute(() -> {
				try {
					decision.run();
				}
				catch (RuntimeException ex) {
					logger.warn("A quarantine decision failed; the breaker counts on", ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Quarantine decision dropped at shutdown");
		}
	}

	private void count(String name, String tag, String value) {
		Counter.builder(name).tag(tag, value).register(this.meters).increment();
	}

}
