package io.nexus.server.metrics;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.nexus.protocol.AgentStatus;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.dispatch.AgentConnections;
import io.nexus.server.dispatch.ConnectedAgent;
import io.nexus.server.tasks.TaskService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Gauges of the fleet and the queue. Counts that need the database (agents and tasks by
 * status, queue depth) are read by one background refresh every
 * {@code nexus.metrics.refresh-interval} and served from memory, so a scrape never
 * queries the database; what this node knows in memory (connected agents and their
 * reported CPU and memory) is refreshed with them.
 */
@Component
class FleetGauges {

	private static final Logger logger = LoggerFactory.getLogger(FleetGauges.class);

	private final AgentRegistry agents;

	private final TaskService tasks;

	private final AgentConnections connections;

	private final MetricsProperties properties;

	private final BoundedLabel capabilities;

	private final Map<AgentStatus, AtomicLong> agentsByStatus = new EnumMap<>(AgentStatus.class);

	private final Map<TaskStatus, AtomicLong> tasksByStatus = new EnumMap<>(TaskStatus.class);

	private final AtomicLong lastRefresh = new AtomicLong();

	private final AtomicLong quarantined = new AtomicLong();

	private final MultiGauge queueDepth;

	private final MultiGauge agentCpu;

	private final MultiGauge agentMemory;

	private volatile Map<String, Long> depth = Map.of();

	private volatile Map<String, Double> cpu = Map.of();

	private volatile Map<String, Double> memory = Map.of();

	FleetGauges(AgentRegistry agents, TaskService tasks, AgentConnections connections, MetricsProperties properties,
			MeterRegistry meters) {
		this.agents = agents;
		this.tasks = tasks;
		this.connections = connections;
		this.properties = properties;
		this.capabilities = new BoundedLabel(properties.maxLabelValues());
		for (AgentStatus status : AgentStatus.values()) {
			AtomicLong value = new AtomicLong();
			this.agentsByStatus.put(status, value);
			Gauge.builder("nexus.agents", value, AtomicLong::get)
				.description("Registered agents by operational status (whole fleet, from the database)")
				.tag("status", status.wireName())
				.register(meters);
		}
		for (TaskStatus status : TaskStatus.values()) {
			AtomicLong value = new AtomicLong();
			this.tasksByStatus.put(status, value);
			Gauge.builder("nexus.tasks", value, AtomicLong::get)
				.description("Tasks by lifecycle status (whole fleet, from the database)")
				.tag("status", status.wireName())
				.register(meters);
		}
		Gauge.builder("nexus.agents.quarantined", this.quarantined, AtomicLong::get)
			.description("Agents in quarantine: they get no new work until a probe task goes well or an operator "
					+ "releases them (whole fleet, from the database)")
			.register(meters);
		Gauge.builder("nexus.agents.connected", connections, AgentConnections::count)
			.description("Agents registered over a WebSocket connection to this node")
			.register(meters);
		Gauge.builder("nexus.metrics.refresh.timestamp", this.lastRefresh, (value) -> value.get() / 1000.0)
			.description("When the database-backed gauges were last refreshed, seconds since the epoch")
			.baseUnit("seconds")
			.register(meters);
		this.queueDepth = MultiGauge.builder("nexus.queue.depth")
			.description("Queued tasks by required capability (a task needing several counts under each)")
			.register(meters);
		this.agentCpu = MultiGauge.builder("nexus.agent.cpu.usage.percent")
			.description("CPU use last reported by each agent connected to this node, percent")
			.register(meters);
		this.agentMemory = MultiGauge.builder("nexus.agent.memory.usage.percent")
			.description("Memory use last reported by each agent connected to this node, percent")
			.register(meters);
	}

	@Scheduled(fixedDelayString = "${nexus.metrics.refresh-interval:10s}")
	void refresh() {
		refreshAgents();
		try {
			this.agents.countByStatus().forEach((status, count) -> this.agentsByStatus.get(status).set(count));
			this.quarantined.set(this.agents.countQuarantined());
			this.tasks.countByStatus().forEach((status, count) -> this.tasksByStatus.get(status).set(count));
			Map<String, Long> depth = new HashMap<>();
			this.tasks.countQueuedByCapability()
				.forEach((capability, count) -> depth.merge(this.capabilities.value(capability), count, Long::sum));
			this.depth = depth;
			this.queueDepth.register(rows(depth.keySet(), "capability", (gauges) -> gauges.depth), false);
			this.lastRefresh.set(System.currentTimeMillis());
		}
		catch (RuntimeException ex) {
			// The database may be down; the gauges keep their last values, and the
			// refresh timestamp shows their age.
			logger.debug("Could not refresh task and agent gauges: {}", ex.getMessage());
		}
	}

	private void refreshAgents() {
		Map<String, Double> cpu = new HashMap<>();
		Map<String, Double> memory = new HashMap<>();
		int exported = 0;
		for (ConnectedAgent agent : this.connections.all()) {
			if (exported++ >= this.properties.maxAgentSeries()) {
				break;
			}
			if (agent.cpuUsage() != null) {
				cpu.put(agent.id().value(), agent.cpuUsage());
			}
			if (agent.memoryUsage() != null) {
				memory.put(agent.id().value(), agent.memoryUsage());
			}
		}
		this.cpu = cpu;
		this.memory = memory;
		this.agentCpu.register(rows(cpu.keySet(), "agent", (gauges) -> gauges.cpu), false);
		this.agentMemory.register(rows(memory.keySet(), "agent", (gauges) -> gauges.memory), false);
	}

	/**
	 * One row per key that reads the key's value from the current snapshot. Rows are
	 * registered without overwriting, so a series that stays never disappears between two
	 * refreshes (a scrape in that gap would miss it); rows of keys that are gone are
	 * removed.
	 */
	private List<MultiGauge.Row<?>> rows(Set<String> keys, String tag,
			Function<FleetGauges, Map<String, ? extends Number>> snapshot) {
		List<MultiGauge.Row<?>> rows = new ArrayList<>(keys.size());
		for (String key : keys) {
			rows.add(MultiGauge.Row.of(Tags.of(tag, key), this, (gauges) -> {
				Number value = snapshot.apply(gauges).get(key);
				return (value != null) ? value.doubleValue() : Double.NaN;
			}));
		}
		return rows;
	}

}
