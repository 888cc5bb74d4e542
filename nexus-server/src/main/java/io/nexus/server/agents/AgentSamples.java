package io.nexus.server.agents;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.nexus.server.agents.persistence.AgentRepository;
import io.nexus.server.agents.persistence.AgentSampleRepository;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Agents' resource history. Heartbeats offer samples; at most one per agent per
 * {@code nexus.agents.sample-interval} is kept, in memory, until a timer writes all that
 * have gathered in one JDBC batch, so ten thousand agents cost one transaction per flush,
 * not ten thousand. Samples are telemetry: a flush that fails is logged and dropped, and
 * so are samples beyond {@value #MAX_PENDING} waiting for a database that does not
 * answer.
 */
@Service
public class AgentSamples {

	private static final Logger logger = LoggerFactory.getLogger(AgentSamples.class);

	static final int MAX_PENDING = 100_000;

	private static final int FLUSH_BATCH = 5_000;

	private static final int PRUNE_BATCH = 5_000;

	/** Bounds one pruning run, so that it never holds the scheduler for long. */
	private static final int PRUNE_ROUNDS = 200;

	private final Map<AgentId, Instant> lastTaken = new ConcurrentHashMap<>();

	private final Queue<AgentSampleRepository.Row> pending = new ConcurrentLinkedQueue<>();

	private final AtomicInteger pendingCount = new AtomicInteger();

	private final AgentSampleRepository samples;

	private final AgentRepository agents;

	private final AgentProperties properties;

	private final TransactionTemplate transaction;

	private final TransactionTemplate readOnly;

	private final Clock clock;

	AgentSamples(AgentSampleRepository samples, AgentRepository agents, AgentProperties properties,
			PlatformTransactionManager transactions, Clock clock) {
		this.samples = samples;
		this.agents = agents;
		this.properties = properties;
		this.transaction = new TransactionTemplate(transactions);
		this.readOnly = new TransactionTemplate(transactions);
		this.readOnly.setReadOnly(true);
		this.clock = clock;
	}

	/**
	 * Offers a sample from a heartbeat; it is kept only if the agent's last kept sample
	 * is at least the sample interval old.
	 * @param agentId the agent
	 * @param cpuPercent CPU use, percent
	 * @param memoryPercent memory use, percent
	 * @param activeTasks tasks the agent holds
	 * @return {@code true} if kept
	 */
	public boolean offer(AgentId agentId, @Nullable Double cpuPercent, @Nullable Double memoryPercent,
			int activeTasks) {
		Instant now = this.clock.instant();
		Duration interval = this.properties.sampleInterval();
		boolean[] taken = new boolean[1];
		this.lastTaken.compute(agentId, (id, last) -> {
			if (last != null && Duration.between(last, now).compareTo(interval) < 0) {
				return last;
			}
			taken[0] = true;
			return now;
		});
		if (!taken[0]) {
			return false;
		}
		if (this.pendingCount.incrementAndGet() > MAX_PENDING) {
			this.pendingCount.decrementAndGet();
			logger.debug("Dropped a resource sample of {}: {} samples wait to be written", agentId, MAX_PENDING);
			return false;
		}
		this.pending.add(new AgentSampleRepository.Row(agentId, now, cpuPercent, memoryPercent, activeTasks));
		return true;
	}

	/**
	 * Writes the samples taken since the last flush, in batches of a few thousand.
	 * @return how many were handed to the database
	 */
	@Scheduled(fixedDelayString = "${nexus.agents.sample-flush-interval:2s}")
	public synchronized int flush() {
		int written = 0;
		while (true) {
			List<AgentSampleRepository.Row> batch = new ArrayList<>();
			AgentSampleRepository.Row row;
			while (batch.size() < FLUSH_BATCH && (row = this.pending.poll()) != null) {
				this.pendingCount.decrementAndGet();
				batch.add(row);
			}
			if (batch.isEmpty()) {
				return written;
			}
			try {
				this.transaction.executeWithoutResult((status) -> this.samples.insertAll(batch));
				written += batch.size();
			}
			catch (DataAccessException ex) {
				logger.warn("Could not write {} agent resource sample(s); they are dropped: {}", batch.size(),
						ex.getMessage());
				return written;
			}
		}
	}

	/**
	 * Deletes samples older than the retention, a few thousand rows per transaction.
	 * @return how many were deleted
	 */
	@Scheduled(fixedDelayString = "${nexus.agents.sample-prune-interval:10m}", initialDelayString = "1m")
	public int prune() {
		Instant cutoff = this.clock.instant().minus(this.properties.sampleRetention());
		int deleted = 0;
		for (int round = 0; round < PRUNE_ROUNDS; round++) {
			Integer count = this.transaction.execute((status) -> this.samples.deleteOlderThan(cutoff, PRUNE_BATCH));
			int removed = (count != null) ? count : 0;
			deleted += removed;
			if (removed < PRUNE_BATCH) {
				break;
			}
		}
		if (deleted > 0) {
			logger.debug("Pruned {} agent resource sample(s) older than {}", deleted, cutoff);
		}
		return deleted;
	}

	/**
	 * An agent's resource history over a range, in at most {@link SampleRange#BUCKETS}
	 * buckets ending now.
	 * @param agentId the agent
	 * @param range the range
	 * @return the history
	 * @throws AgentNotFoundException if there is no such agent
	 */
	public History history(AgentId agentId, SampleRange range) {
		Instant now = this.clock.instant();
		long size = range.bucket().toSeconds();
		// buckets on multiples of their size, so that points stay put as time passes
		Instant end = Instant.ofEpochSecond((now.getEpochSecond() / size + 1) * size);
		Instant start = end.minus(range.length());
		List<AgentSample> points = this.readOnly.execute((status) -> {
			if (!this.agents.exists(agentId)) {
				throw new AgentNotFoundException(agentId);
			}
			return this.samples.history(agentId, start, end, range.bucket());
		});
		return new History(agentId, range, start, end, this.properties.sampleInterval(),
				(points != null) ? points : List.of());
	}

	/**
	 * Deletes an agent's samples, those written and those waiting; part of removing the
	 * agent, in its transaction.
	 * @param agentId the agent
	 */
	void deleteAll(AgentId agentId) {
		this.lastTaken.remove(agentId);
		this.pending.removeIf((row) -> {
			if (row.agentId().equals(agentId)) {
				this.pendingCount.decrementAndGet();
				return true;
			}
			return false;
		});
		this.samples.deleteByAgent(agentId);
	}

	/**
	 * An agent's resource history.
	 *
	 * @param agentId the agent
	 * @param range the range asked for
	 * @param start the start of the first bucket
	 * @param end the end of the last bucket (just after now)
	 * @param sampleInterval the shortest time between two samples
	 * @param points the buckets that hold samples, oldest first
	 */
	public record History(AgentId agentId, SampleRange range, Instant start, Instant end, Duration sampleInterval,
			List<AgentSample> points) {

		/**
		 * The size of the buckets.
		 * @return the size
		 */
		public Duration bucket() {
			return this.range.bucket();
		}

	}

}
