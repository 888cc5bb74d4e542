package io.nexus.server.governance;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.dispatch.ClusterEvents;
import io.nexus.server.dispatch.Dispatcher;
import io.nexus.server.governance.persistence.FleetStopRepository;
import io.nexus.server.shared.Ids;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskQuery;
import io.nexus.server.tasks.TaskService;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * The emergency stops in force, as every node sees them. A stop or a resume on one node
 * reaches the others through a cluster event at once, and each node also reads the active
 * stops once a second ({@code nexus.governance.refresh-interval}), so that a stop takes
 * effect everywhere within a second even if the event is missed ({@link ActiveStops}).
 * Dispatch asks {@link #holds} through {@link FleetStopRule}.
 */
@Service
public class FleetStops {

	/** The cluster event that tells the other nodes to read the stops again. */
	static final String CHANGED = "fleet_stops_changed";

	/** The reason a halted task's agent receives with {@code task_cancel}. */
	public static final String HALT_REASON = "emergency_stop";

	private static final Logger logger = LoggerFactory.getLogger(FleetStops.class);

	private final FleetStopRepository repository;

	private final TaskService tasks;

	private final AgentRegistry agents;

	private final ClusterEvents cluster;

	private final Dispatcher dispatcher;

	private final Clock clock;

	private final ActiveStops board;

	FleetStops(FleetStopRepository repository, ActiveStops board, TaskService tasks, AgentRegistry agents,
			ClusterEvents cluster, Dispatcher dispatcher, Clock clock) {
		this.repository = repository;
		this.board = board;
		this.tasks = tasks;
		this.agents = agents;
		this.cluster = cluster;
		this.dispatcher = dispatcher;
		this.clock = clock;
	}

	/**
	 * The stops in force, as this node last read them (at most a second old).
	 * @return the active stops, oldest first
	 */
	public List<FleetStop> active() {
		return this.board.active();
	}

	/**
	 * Stops the fleet, or part of it: from now on nothing in scope is dispatched or
	 * assigned on any node; a halt also cancels the covered tasks running now, and their
	 * agents receive {@code task_cancel} with reason {@value #HALT_REASON}.
	 * @param mode hold or halt
	 * @param scope what it covers
	 * @param reason why
	 * @param actor the admin
	 * @return the stop and the tasks a halt cancelled
	 */
	public Stopped stop(FleetStop.Mode mode, FleetStop.Scope scope, String reason, String actor) {
		FleetStop stop = new FleetStop(Ids.next("stop"), mode, scope, reason, actor, this.clock.instant(), null, null);
		this.repository.insert(stop);
		this.board.refresh();
		announce();
		List<String> cancelled = (mode == FleetStop.Mode.HALT) ? halt(stop, actor) : List.of();
		logger.warn("Emergency stop {} ({}) of {} by {}: {}; {} running task(s) cancelled", stop.id(), mode.wireName(),
				scope.describe(), actor, reason, cancelled.size());
		return new Stopped(stop, cancelled);
	}

	/**
	 * Ends one active stop, or all of them; dispatch resumes at once on every node.
	 * @param id the stop, or {@code null} for all
	 * @param actor who resumes
	 * @return the stops that ended
	 */
	public List<FleetStop> resume(@Nullable String id, String actor) {
		Instant now = this.clock.instant();
		List<FleetStop> ending = this.repository.findActive()
			.stream()
			.filter((stop) -> id == null || stop.id().equals(id))
			.map((stop) -> new FleetStop(stop.id(), stop.mode(), stop.scope(), stop.reason(), stop.createdBy(),
					stop.createdAt(), now, actor))
			.toList();
		this.repository.end(id, actor, now);
		this.board.refresh();
		announce();
		this.dispatcher.wake();
		if (!ending.isEmpty()) {
			logger.warn("Emergency stop(s) {} resumed by {}", ending.stream().map(FleetStop::id).toList(), actor);
		}
		return ending;
	}

	private List<String> halt(FleetStop stop, String actor) {
		List<Task> running = new ArrayList<>();
		for (TaskStatus status : List.of(TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.INPUT_REQUIRED)) {
			String cursor = null;
			do {
				var page = this.tasks.list(new TaskQuery(status, null, null, null), PageRequest.of(200, cursor));
				running.addAll(page.items());
				cursor = page.nextCursor();
			}
			while (cursor != null);
		}
		List<String> cancelled = new ArrayList<>();
		Map<AgentId, Optional<Agent>> holders = new HashMap<>();
		for (Task task : running) {
			if (task.assignedAgent() == null || !stop.scope().coversTask(task)) {
				continue;
			}
			Agent agent = holders.computeIfAbsent(task.assignedAgent(), this.agents::find).orElse(null);
			if (agent == null || !stop.scope().coversAgent(agent)) {
				continue;
			}
			try {
				this.tasks.cancel(task.id(), HALT_REASON, actor);
				cancelled.add(task.id().value());
			}
			catch (RuntimeException ex) {
				// it finished or moved meanwhile: the hold keeps it from starting again
				logger.info("Emergency stop {} did not cancel task {}: {}", stop.id(), task.id(), ex.getMessage());
			}
		}
		return cancelled;
	}

	private void announce() {
		this.cluster.publish(CHANGED, Map.of());
	}

	/**
	 * The outcome of a stop.
	 *
	 * @param stop the stop
	 * @param cancelled the tasks a halt cancelled
	 */
	public record Stopped(FleetStop stop, List<String> cancelled) {

	}

}
