package io.nexus.server.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.analytics.Analytics;
import io.nexus.server.dispatch.AgentConnections;
import io.nexus.server.ops.NodeIdentity;
import io.nexus.server.tasks.AgentPresence;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskService;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The facts of the overview page: component health, the queue and what is stuck in it,
 * and recent failures.
 */
@Service
class OverviewQueries {

	private final JdbcClient jdbc;

	private final TaskService tasks;

	private final AgentRegistry agents;

	private final AgentConnections connections;

	private final AgentPresence presence;

	private final NodeIdentity node;

	private final Analytics analytics;

	private final Clock clock;

	OverviewQueries(JdbcClient jdbc, TaskService tasks, AgentRegistry agents, AgentConnections connections,
			AgentPresence presence, NodeIdentity node, Analytics analytics, Clock clock) {
		this.analytics = analytics;
		this.jdbc = jdbc;
		this.tasks = tasks;
		this.agents = agents;
		this.connections = connections;
		this.presence = presence;
		this.node = node;
		this.clock = clock;
	}

	List<Component> components(int liveSubscribers) {
		List<Component> result = new ArrayList<>();
		Instant before = this.clock.instant();
		try {
			this.jdbc.sql("SELECT 1").query(Integer.class).single();
			long millis = Duration.between(before, this.clock.instant()).toMillis();
			result.add(new Component("Database", (millis < 500) ? "ok" : "warn", "answers in " + millis + " ms"));
		}
		catch (RuntimeException ex) {
			result.add(new Component("Database", "down", "not reachable"));
		}
		int connected = this.connections.count();
		result.add(new Component("Dispatcher", (connected > 0) ? "ok" : "warn",
				(connected > 0) ? connected + " agent connection(s) on this node" : "no agent connected"));
		Duration up = Duration.between(this.node.startedAt(), before);
		result.add(new Component("API & agent gateway", "ok",
				"node " + this.node.nodeId().substring(Math.max(0, this.node.nodeId().length() - 8)) + ", up "
						+ Durations.human((double) up.toSeconds())));
		result.add(new Component("Live updates", "ok", liveSubscribers + " open page stream(s)"));
		return result;
	}

	Map<String, Long> agentCounts() {
		return this.agents.counts();
	}

	Map<String, Long> tasksByState() {
		Map<String, Long> result = new LinkedHashMap<>();
		this.tasks.countByStatus().forEach((status, count) -> result.put(status.wireName(), count));
		return result;
	}

	/**
	 * Tasks waiting to run, by the capabilities they need.
	 * @return capability to count, largest first
	 */
	Map<String, Long> queueDepthByCapability() {
		return this.analytics.queueDepthByCapability(12);
	}

	/**
	 * The tasks that have waited longest to run, each with the reason.
	 * @param limit how many
	 * @return oldest first
	 */
	List<WaitingTask> oldestWaiting(int limit) {
		List<TaskId> ids = this.analytics.oldestWaiting(limit);
		Instant now = this.clock.instant();
		List<WaitingTask> result = new ArrayList<>();
		for (TaskId id : ids) {
			Task task = this.tasks.get(id);
			String reason = switch (task.status()) {
				case PENDING -> "waiting for dependencies to complete";
				case AWAITING_APPROVAL -> "awaiting approval";
				case QUEUED -> this.presence.whyWaiting(task);
				default -> task.status().wireName();
			};
			result.add(new WaitingTask(task,
					Durations.human((double) Duration.between(task.createdAt(), now).toSeconds()), reason));
		}
		return result;
	}

	/**
	 * The latest failed tasks.
	 * @param limit how many
	 * @return newest first
	 */
	List<Task> recentFailures(int limit) {
		return this.analytics.recentFailures(limit).stream().map(this.tasks::get).toList();
	}

}
