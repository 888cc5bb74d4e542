package io.nexus.server.tasks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexus.server.tasks.persistence.TaskRetentionRepository;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes finished tasks older than {@code nexus.tasks.retention} (by the time they
 * finished) with their history, capability and dependency rows, in bounded batches in the
 * background, so that the tables stay the size of the retention window. A task that an
 * unfinished task still depends on is kept until that one finishes. Several nodes may run
 * it at once: each batch locks its rows, and on PostgreSQL skips those another node
 * holds. Export what you want to keep first ({@code GET /api/tasks/export}).
 */
@Component
public class TaskRetention {

	private static final Logger logger = LoggerFactory.getLogger(TaskRetention.class);

	/** Batches one round deletes at most, so that a backlog is worked off over rounds. */
	private static final int ROUNDS = 20;

	private final TaskRetentionRepository rows;

	private final TransactionTemplate transaction;

	private final Clock clock;

	private final Duration retention;

	private final int batch;

	private final Counter deleted;

	TaskRetention(TaskRetentionRepository rows, TransactionTemplate transaction, Clock clock, MeterRegistry meters,
			@Value("${nexus.tasks.retention:30d}") Duration retention,
			@Value("${nexus.tasks.retention-batch:500}") int batch) {
		if (retention.isNegative()) {
			throw new IllegalArgumentException("nexus.tasks.retention must not be negative (0 keeps tasks forever)");
		}
		if (batch < 1 || batch > 10_000) {
			throw new IllegalArgumentException("nexus.tasks.retention-batch must be 1-10000");
		}
		this.rows = rows;
		this.transaction = transaction;
		this.clock = clock;
		this.retention = retention;
		this.batch = batch;
		this.deleted = Counter.builder("nexus.tasks.retention.deleted")
			.description("Finished tasks deleted by retention, with their history")
			.register(meters);
	}

	/**
	 * Finished tasks in the order they finished, a page at a time, for the export.
	 * @param from finished at or after this
	 * @param to finished before this
	 * @param after the last task of the previous page, {@code null} for the first
	 * @param limit the page size
	 * @return the page
	 */
	public List<Task> finished(Instant from, Instant to, @Nullable Task after, int limit) {
		return this.rows.finished(from, to, after, limit);
	}

	/**
	 * How long finished tasks are kept.
	 * @return the retention, zero for ever
	 */
	public Duration retention() {
		return this.retention;
	}

	/**
	 * One round: deletes expired tasks a batch per transaction until none is left or the
	 * round's bound is reached.
	 * @return how many tasks were deleted
	 */
	@Scheduled(fixedDelayString = "${nexus.tasks.retention-interval:5m}", initialDelayString = "1m")
	public int prune() {
		if (this.retention.isZero()) {
			return 0;
		}
		Instant cutoff = this.clock.instant().minus(this.retention);
		int total = 0;
		try {
			for (int round = 0; round < ROUNDS; round++) {
				Integer count = this.transaction.execute((status) -> {
					List<String> expired = this.rows.lockExpired(cutoff, this.batch);
					return this.rows.delete(expired);
				});
				int removed = (count != null) ? count : 0;
				total += removed;
				if (removed < this.batch) {
					break;
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Task retention round failed after deleting {} task(s); it runs again later: {}", total,
					ex.getMessage());
		}
		this.deleted.increment(total);
		if (total > 0) {
			logger.info("Retention deleted {} finished task(s) that finished before {}", total, cutoff);
		}
		return total;
	}

}
