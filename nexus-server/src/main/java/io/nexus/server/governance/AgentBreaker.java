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

	/** Signals kept per agent as the evidence of a quarantine. */
	private static final int EVIDENCE = 10;

	/** Outcomes kept per agent for the failure rate. */
	private static final int OUTCOMES = 200;

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

	private final Map<AgentId, Counters> counters = new ConcurrentHashMap<>();

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
		Counters counts = this.counters.computeIfAbsent(agent.id(), (id) -> new Counters());
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

	/**
	 * One signal, kept as evidence.
	 */
	private record Seen(AgentSignal signal, TaskId task, Instant at) {

	}

	/**
	 * What tripped the breaker.
	 */
	private record Trip(Reason reason, String detail, List<Seen> evidence) {

	}

	/**
	 * What one node counted of one agent since its breaker last tripped or closed.
	 * Guarded by its own monitor.
	 */
	private static final class Counters {

		private int failuresInRow;

		private int unacceptedInRow;

		private final ArrayDeque<Instant> outcomesAt = new ArrayDeque<>();

		private final ArrayDeque<Boolean> outcomes = new ArrayDeque<>();

		private final ArrayDeque<Instant> timeouts = new ArrayDeque<>();

		private final ArrayDeque<Instant> staleReports = new ArrayDeque<>();

		private final ArrayDeque<Seen> recent = new ArrayDeque<>();

		@Nullable Trip record(AgentSignal signal, TaskId task, Instant now, Thresholds limits, Duration window,
				Duration ackTimeout) {
			if (signal != AgentSignal.ACCEPTED && signal != AgentSignal.SUCCEEDED) {
				if (this.recent.size() == EVIDENCE) {
					this.recent.removeFirst();
				}
				this.recent.addLast(new Seen(signal, task, now));
			}
			Instant since = now.minus(window);
			switch (signal) {
				case ACCEPTED -> this.unacceptedInRow = 0;
				case NOT_ACCEPTED -> {
					this.unacceptedInRow++;
					if (limits.unaccepted() > 0 && this.unacceptedInRow >= limits.unaccepted()) {
						return trip(Reason.ZOMBIE, this.unacceptedInRow + " assignment(s) in a row not accepted within "
								+ ackTimeout.toSeconds() + "s while it kept sending heartbeats");
					}
				}
				case SUCCEEDED, FAILED -> {
					boolean failed = signal == AgentSignal.FAILED;
					this.failuresInRow = failed ? this.failuresInRow + 1 : 0;
					if (limits.consecutiveFailures() > 0 && this.failuresInRow >= limits.consecutiveFailures()) {
						return trip(Reason.CONSECUTIVE_FAILURES, this.failuresInRow + " failed task(s) in a row");
					}
					if (limits.failureRateMinTasks() > 0 && limits.failureRate() > 0) {
						return outcome(failed, now, since, limits, window);
					}
				}
				case TIMED_OUT -> {
					if (limits.timeouts() > 0 && within(this.timeouts, now, since) >= limits.timeouts()) {
						return trip(Reason.TIMEOUTS, this.timeouts.size() + " task(s) ran past their timeout within "
								+ window.toMinutes() + " min");
					}
				}
				case STALE_REPORT -> {
					if (limits.staleReports() > 0 && within(this.staleReports, now, since) >= limits.staleReports()) {
						return trip(Reason.STALE_REPORTS, this.staleReports.size()
								+ " report(s) on leases it no longer held within " + window.toMinutes() + " min");
					}
				}
			}
			return null;
		}

		private @Nullable Trip outcome(boolean failed, Instant now, Instant since, Thresholds limits, Duration window) {
			if (this.outcomes.size() == OUTCOMES) {
				this.outcomes.removeFirst();
				this.outcomesAt.removeFirst();
			}
			this.outcomes.addLast(failed);
			this.outcomesAt.addLast(now);
			while (!this.outcomesAt.isEmpty() && this.outcomesAt.peekFirst().isBefore(since)) {
				this.outcomesAt.removeFirst();
				this.outcomes.removeFirst();
			}
			int total = this.outcomes.size();
			if (total < limits.failureRateMinTasks()) {
				return null;
			}
			long failures = this.outcomes.stream().filter(Boolean::booleanValue).count();
			if (failures >= Math.ceil(limits.failureRate() * total)) {
				return trip(Reason.FAILURE_RATE,
						failures + " of the last " + total + " task(s) within " + window.toMinutes()
								+ " min failed (threshold " + Math.round(limits.failureRate() * 100) + "%)");
			}
			return null;
		}

		private static int within(ArrayDeque<Instant> times, Instant now, Instant since) {
			times.addLast(now);
			while (!times.isEmpty() && times.peekFirst().isBefore(since)) {
				times.removeFirst();
			}
			return times.size();
		}

		private Trip trip(Reason reason, String detail) {
			return new Trip(reason, detail, List.copyOf(this.recent));
		}

	}

}
