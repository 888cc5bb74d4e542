package io.nexus.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Recorder;
import tools.jackson.databind.JsonNode;

/**
 * Counts the tasks of the current closed-loop phase as their handlers start. Each task's
 * payload names its phase ({@code ph}) and its number in the phase ({@code seq}); a task
 * of another phase (one left over, which the workload should never produce) counts as a
 * stray.
 */
final class PhaseTracker implements BenchAgents.Sink {

	private volatile Phase current = new Phase(0, 0);

	private final LongAdder strays = new LongAdder();

	/** Starts counting a new phase. */
	Phase arm(int number, int tasks) {
		Phase phase = new Phase(number, tasks);
		this.current = phase;
		return phase;
	}

	@Override
	public void seen(JsonNode payload, long nanos) {
		Phase phase = this.current;
		if (payload.path("ph").asInt(-1) != phase.number) {
			this.strays.increment();
			return;
		}
		phase.seen(TaskBodies.seq(payload), TaskBodies.sentAtNanos(payload), nanos);
	}

	long strays() {
		return this.strays.sum();
	}

	/**
	 * One phase: which tasks reached an agent, when the last one did, and how long each
	 * took from its create request.
	 */
	static final class Phase {

		private final int number;

		private final AtomicIntegerArray seen;

		private final CountDownLatch remaining;

		private final AtomicLong lastNanos = new AtomicLong();

		private final LongAdder duplicates = new LongAdder();

		private final Recorder createToAgent = new Recorder(3);

		Phase(int number, int tasks) {
			this.number = number;
			this.seen = new AtomicIntegerArray(tasks);
			this.remaining = new CountDownLatch(tasks);
		}

		int number() {
			return this.number;
		}

		void seen(long seq, long sentAtNanos, long nanos) {
			if (seq < 0 || seq >= this.seen.length() || !this.seen.compareAndSet((int) seq, 0, 1)) {
				this.duplicates.increment();
				return;
			}
			this.lastNanos.accumulateAndGet(nanos, Math::max);
			if (sentAtNanos > 0) {
				this.createToAgent.recordValue(Math.max(0, nanos - sentAtNanos));
			}
			this.remaining.countDown();
		}

		/** Waits until every task of the phase reached an agent; false on timeout. */
		boolean await(Duration timeout) throws InterruptedException {
			return this.remaining.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}

		long seenCount() {
			return this.seen.length() - this.remaining.getCount();
		}

		/** When the last new task of the phase reached an agent (0: none yet). */
		long lastNanos() {
			return this.lastNanos.get();
		}

		long duplicates() {
			return this.duplicates.sum();
		}

		/** From the moment its create request was sent to handler start. */
		LatencySummary createToAgent() {
			return LatencySummary.of(this.createToAgent.getIntervalHistogram());
		}

	}

}
