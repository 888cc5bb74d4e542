package io.nexus.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Everything a load run records. Times are {@link System#nanoTime()} of this JVM: the
 * agents run in the same process as the senders, so the intended send time carried in a
 * task's payload can be compared with the moment its handler starts.
 */
final class Measurements {

	private final LoadSettings settings;

	private volatile long startNanos;

	private volatile long warmupEndNanos = Long.MAX_VALUE;

	private final AtomicLongArray respondedAt;

	private final AtomicLongArray seenAt;

	private final Recorder httpLatency = new Recorder(3);

	private final Recorder createToAgent = new Recorder(3);

	private final LongAdder tasksCreated = new LongAdder();

	private final LongAdder tasksSeen = new LongAdder();

	private final LongAdder duplicates = new LongAdder();

	private final LongAdder notSent = new LongAdder();

	private final AtomicLong lastResponseAt = new AtomicLong();

	private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

	Measurements(LoadSettings settings) {
		this.settings = settings;
		this.respondedAt = new AtomicLongArray(Math.toIntExact(settings.requests()));
		this.seenAt = new AtomicLongArray(Math.toIntExact(settings.tasks()));
	}

	/** Fixes the intended send time of the first request. */
	void begin(long startNanos) {
		this.startNanos = startNanos;
		this.warmupEndNanos = startNanos + this.settings.warmup().toNanos();
	}

	long startNanos() {
		return this.startNanos;
	}

	long intendedNanos(long request) {
		return this.startNanos + Math.round(request * this.settings.requestIntervalNanos());
	}

	void responded(long request, long intended, int status, long now) {
		this.lastResponseAt.accumulateAndGet(now, Math::max);
		if (status / 100 != 2) {
			error("HTTP " + status);
			return;
		}
		this.respondedAt.set((int) request, now);
		this.tasksCreated.add(this.settings.batch());
		if (intended >= this.warmupEndNanos) {
			this.httpLatency.recordValue(now - intended);
		}
	}

	void error(String kind) {
		this.errors.computeIfAbsent(kind, (key) -> new LongAdder()).increment();
	}

	/** Called by a handler when it starts. */
	void seen(long seq, long intended, long now) {
		if (seq < 0 || seq >= this.seenAt.length() || !this.seenAt.compareAndSet((int) seq, 0, now)) {
			this.duplicates.increment();
			return;
		}
		this.tasksSeen.increment();
		if (intended >= this.warmupEndNanos) {
			this.createToAgent.recordValue(Math.max(0, now - intended));
		}
	}

	/** A request was not sent: the run gave up ({@code --give-up-after}). */
	void notSent() {
		this.notSent.increment();
	}

	long requestsNotSent() {
		return this.notSent.sum();
	}

	long tasksCreated() {
		return this.tasksCreated.sum();
	}

	long tasksSeen() {
		return this.tasksSeen.sum();
	}

	long duplicates() {
		return this.duplicates.sum();
	}

	long lastResponseAt() {
		return this.lastResponseAt.get();
	}

	Map<String, Long> errors() {
		Map<String, Long> counts = new TreeMap<>();
		this.errors.forEach((kind, count) -> counts.put(kind, count.sum()));
		return counts;
	}

	Histogram httpLatency() {
		return this.httpLatency.getIntervalHistogram();
	}

	Histogram createToAgent() {
		return this.createToAgent.getIntervalHistogram();
	}

	/**
	 * From the moment the create request was answered (the task committed) to the moment
	 * the handler started, for tasks past the warm-up. A task that reached its agent
	 * before the HTTP answer reached the sender counts as 0.
	 * @param early counts those tasks
	 * @return the histogram
	 */
	Histogram committedToAgent(LongAdder early) {
		Histogram histogram = new Histogram(3);
		int batch = this.settings.batch();
		for (int seq = 0; seq < this.seenAt.length(); seq++) {
			long seen = this.seenAt.get(seq);
			long request = seq / batch;
			long responded = this.respondedAt.get((int) request);
			if (seen == 0 || responded == 0 || intendedNanos(request) < this.warmupEndNanos) {
				continue;
			}
			if (seen < responded) {
				early.increment();
			}
			histogram.recordValue(Math.max(0, seen - responded));
		}
		return histogram;
	}

}
