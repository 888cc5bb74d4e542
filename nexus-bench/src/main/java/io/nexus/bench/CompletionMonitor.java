package io.nexus.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads the number of completed tasks from {@code GET /status} once a second, on its own
 * thread, and keeps the timeline. Counts are relative to the first reading.
 */
final class CompletionMonitor implements AutoCloseable {

	private final NexusApi api;

	private final long baseline;

	private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());

	private final Thread thread;

	private volatile boolean running = true;

	CompletionMonitor(NexusApi api) throws IOException, InterruptedException {
		this.api = api;
		this.baseline = api.completedTasks();
		this.samples.add(new Sample(System.nanoTime(), 0));
		this.thread = new Thread(this::poll, "bench-status-poller");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void poll() {
		while (this.running) {
			try {
				Thread.sleep(1000);
				this.samples.add(new Sample(System.nanoTime(), this.api.completedTasks() - this.baseline));
			}
			catch (IOException ex) {
				// a missed reading only coarsens the timeline
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	Sample latest() {
		return this.samples.get(this.samples.size() - 1);
	}

	/**
	 * Tasks completed between two moments, interpolated between readings.
	 */
	double completedBetween(long fromNanos, long toNanos) {
		return completedAt(toNanos) - completedAt(fromNanos);
	}

	private double completedAt(long nanos) {
		List<Sample> copy;
		synchronized (this.samples) {
			copy = new ArrayList<>(this.samples);
		}
		Sample before = copy.get(0);
		for (Sample sample : copy) {
			if (sample.nanos >= nanos) {
				double span = sample.nanos - before.nanos;
				double share = (span > 0) ? (nanos - before.nanos) / span : 1;
				return before.completed + share * (sample.completed - before.completed);
			}
			before = sample;
		}
		return before.completed;
	}

	List<Sample> samples() {
		synchronized (this.samples) {
			return List.copyOf(this.samples);
		}
	}

	@Override
	public void close() {
		this.running = false;
		this.thread.interrupt();
	}

	/**
	 * One reading.
	 *
	 * @param nanos when it was taken
	 * @param completed tasks completed since the first reading
	 */
	record Sample(long nanos, long completed) {

	}

}
