package io.nexus.server.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nexus.protocol.TaskPriority;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskLeases;
import io.nexus.server.tasks.TaskStatusChanged;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Counts task lifecycle events and times them, from committed {@link TaskStatusChanged}
 * events: no database access and no lock, one map lookup and an increment per event.
 */
@Component
class TaskMetrics {

	private static final Duration[] ASSIGN_BUCKETS = { Duration.ofMillis(5), Duration.ofMillis(10),
			Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
			Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
			Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
			Duration.ofMinutes(15), Duration.ofHours(1) };

	private static final Duration[] DURATION_BUCKETS = { Duration.ofSeconds(1), Duration.ofSeconds(5),
			Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
			Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1),
			Duration.ofHours(2), Duration.ofHours(6), Duration.ofHours(24) };

	private final MeterRegistry meters;

	private final BoundedLabel categories;

	private final BoundedLabel capabilities;

	private final Map<Key, Counter> counters = new ConcurrentHashMap<>();

	private final Map<String, Timer> timeToAssign = new ConcurrentHashMap<>();

	private final Map<String, Timer> durations = new ConcurrentHashMap<>();

	TaskMetrics(MeterRegistry meters, MetricsProperties properties) {
		this.meters = meters;
		this.categories = new BoundedLabel(properties.maxLabelValues());
		this.capabilities = new BoundedLabel(properties.maxLabelValues());
		for (TaskPriority priority : TaskPriority.values()) {
			// Every counter exists from the start, so rates and ratios have data at once.
			for (String name : List.of("submitted", "completed", "failed", "cancelled", "retried", "reassigned",
					"timed.out")) {
				counter(name, priority, BoundedLabel.NONE);
			}
		}
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onTaskStatusChanged(TaskStatusChanged event) {
		Task task = event.task();
		String category = this.categories.value(task.category());
		if (event.from() == null) {
			counter("submitted", task.priority(), category).increment();
			return;
		}
		switch (event.to()) {
			case ASSIGNED -> {
				if (event.from() == TaskStatus.QUEUED) {
					recordTimeToAssign(task, event.at());
				}
			}
			case COMPLETED -> {
				counter("completed", task.priority(), category).increment();
				if (event.from() == TaskStatus.IN_PROGRESS && task.startedAt() != null) {
					record(this.durations, category, "nexus.task.duration", "category",
							"Time from an agent's acceptance of a task to its completion, by category",
							DURATION_BUCKETS, task.startedAt(), event.at());
				}
			}
			case FAILED -> counter("failed", task.priority(), category).increment();
			case CANCELLED -> counter("cancelled", task.priority(), category).increment();
			case QUEUED -> {
				if (event.from() == TaskStatus.ASSIGNED || event.from() == TaskStatus.IN_PROGRESS
						|| event.from() == TaskStatus.INPUT_REQUIRED) {
					counter("retried", task.priority(), category).increment();
					if (event.endsLease() && !event.byPreviousAgent()) {
						counter("reassigned", task.priority(), category).increment();
					}
				}
			}
			default -> {
			}
		}
		if (isTimeout(event)) {
			counter("timed.out", task.priority(), category).increment();
		}
	}

	private static boolean isTimeout(TaskStatusChanged event) {
		String reason = event.reason();
		return event.from() == TaskStatus.IN_PROGRESS && reason != null
				&& (reason.startsWith(TaskLeases.TIMED_OUT_REASON)
						|| reason.contains("; last: " + TaskLeases.TIMED_OUT_REASON));
	}

	private void recordTimeToAssign(Task task, Instant assignedAt) {
		Instant ready = task.queuedAt();
		if (ready == null) {
			ready = task.createdAt();
		}
		if (task.notBefore() != null && task.notBefore().isAfter(ready)) {
			ready = task.notBefore();
		}
		String capability = this.capabilities
			.value(task.requiredCapabilities().stream().sorted().reduce((a, b) -> a + "+" + b).orElse(null));
		record(this.timeToAssign, capability, "nexus.task.time.to.assign", "capability",
				"Time from a task becoming ready (queued, past any retry backoff) to its assignment, "
						+ "by required capabilities",
				ASSIGN_BUCKETS, ready, assignedAt);
	}

	private void record(Map<String, Timer> timers, String label, String name, String tag, String description,
			Duration[] buckets, Instant from, Instant to) {
		Duration elapsed = Duration.between(from, to);
		if (elapsed.isNegative()) {
			return;
		}
		timers
			.computeIfAbsent(label,
					(key) -> Timer.builder(name)
						.description(description)
						.tag(tag, key)
						.serviceLevelObjectives(buckets)
						.register(this.meters))
			.record(elapsed);
	}

	private Counter counter(String name, TaskPriority priority, String category) {
		return this.counters.computeIfAbsent(new Key(name, priority, category),
				(key) -> Counter.builder("nexus.tasks." + name)
					.description("Tasks " + name.replace('.', ' ') + ", by priority and category")
					.tag("priority", priority.wireName())
					.tag("category", category)
					.register(this.meters));
	}

	private record Key(String name, TaskPriority priority, String category) {

	}

}
