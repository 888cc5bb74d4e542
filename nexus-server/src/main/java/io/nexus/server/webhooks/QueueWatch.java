package io.nexus.server.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskService;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Publishes {@code queue.stuck} when the oldest queued task has waited longer than
 * {@code nexus.webhooks.queue-stuck-after}: once per episode on all nodes together (the
 * node whose conditional update marks the queue stuck publishes it, in the same
 * transaction); the episode ends when the oldest queued task is younger again or none is
 * queued.
 */
@Component
class QueueWatch {

	private final TaskService tasks;

	private final WebhookEvents events;

	private final WebhookProperties properties;

	private final JdbcClient jdbc;

	private final Clock clock;

	QueueWatch(TaskService tasks, WebhookEvents events, WebhookProperties properties, JdbcClient jdbc, Clock clock) {
		this.tasks = tasks;
		this.events = events;
		this.properties = properties;
		this.jdbc = jdbc;
		this.clock = clock;
	}

	@Scheduled(fixedDelayString = "${nexus.webhooks.queue-check-interval:30s}", initialDelayString = "5s")
	@Transactional
	public void check() {
		Duration after = this.properties.queueStuckAfter();
		if (after.isZero() || after.isNegative()) {
			return;
		}
		Instant now = this.clock.instant();
		Optional<Task> oldest = this.tasks.oldestQueued();
		Instant queuedAt = oldest.map((task) -> (task.queuedAt() != null) ? task.queuedAt() : task.createdAt())
			.orElse(null);
		if (queuedAt == null || queuedAt.plus(after).isAfter(now)) {
			this.jdbc.sql("UPDATE webhook_queue_state SET stuck = FALSE, since = NULL WHERE id = 1 AND stuck = TRUE")
				.update();
			return;
		}
		boolean turned = this.jdbc
			.sql("UPDATE webhook_queue_state SET stuck = TRUE, since = :now WHERE id = 1 AND stuck = FALSE")
			.param("now", SqlTimes.toDb(now))
			.update() > 0;
		if (turned) {
			Task task = oldest.get();
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("oldest_task_id", task.id().value());
			data.put("category", task.category());
			data.put("queued_at", queuedAt.toString());
			data.put("waited_seconds", Duration.between(queuedAt, now).toSeconds());
			data.put("threshold_seconds", after.toSeconds());
			data.put("queued", this.tasks.countByStatus().getOrDefault(TaskStatus.QUEUED, 0L));
			data.put("at", now.toString());
			this.events.publish(WebhookEventType.QUEUE_STUCK, data);
		}
	}

}
