package io.nexus.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

/**
 * Samples the server's {@link ProcessGauges} at a fixed interval from the start of the
 * load to its end (not during the drain, when the server idles) on a thread of its own,
 * and reports whether heap after GC, threads and file descriptors stayed flat
 * ({@link SoakTrend}). Each sample forces a full GC in the server: a pause every
 * interval, which the latency figures of a soak include.
 */
final class SoakSampler {

	private final ProcessGauges gauges;

	private final long intervalNanos;

	private final double tolerance;

	private final List<Sample> samples = new CopyOnWriteArrayList<>();

	private final List<String> failures = new CopyOnWriteArrayList<>();

	private @Nullable Thread thread;

	/**
	 * @param pid the server's process
	 * @param intervalSeconds seconds between samples
	 * @param tolerancePercent the growth allowed from the second quarter to the last
	 * @throws IOException if the file of jcmd commands cannot be written
	 */
	SoakSampler(long pid, int intervalSeconds, double tolerancePercent) throws IOException {
		if (intervalSeconds < 1) {
			throw new IllegalArgumentException("--soak-sample-seconds must be at least 1");
		}
		this.gauges = new ProcessGauges(pid);
		this.intervalNanos = intervalSeconds * 1_000_000_000L;
		this.tolerance = tolerancePercent / 100;
	}

	/**
	 * Starts sampling: at the start, then every interval until the end.
	 * @param startNanos when the load starts ({@link System#nanoTime()})
	 * @param endNanos when it ends
	 */
	void start(long startNanos, long endNanos) {
		Thread sampling = new Thread(() -> run(startNanos, endNanos), "soak-sampler");
		sampling.setDaemon(true);
		sampling.start();
		this.thread = sampling;
	}

	/** Waits for the last sample (the one at the end of the load). */
	void await() throws InterruptedException {
		Thread sampling = this.thread;
		if (sampling != null) {
			sampling.join();
		}
	}

	private void run(long startNanos, long endNanos) {
		for (long at = startNanos; at <= endNanos; at += this.intervalNanos) {
			long wait = at - System.nanoTime();
			try {
				if (wait > 0) {
					Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
				}
				ProcessGauges.Reading reading = this.gauges.read();
				double t = (System.nanoTime() - startNanos) / 1e9;
				this.samples.add(new Sample(t, reading));
				System.err.printf(Locale.ROOT, "soak %6.0f s: heap after GC %.1f MiB, %d threads, %d fds%n", t,
						reading.heapAfterGcBytes() / 1048576.0, reading.threads(), reading.fds());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				this.failures.add(ex.getMessage());
				System.err.println("soak sample failed: " + ex.getMessage());
			}
		}
	}

	/**
	 * The samples and the verdict as a part of a report.
	 * @return the part
	 */
	Report report() {
		return report(List.copyOf(this.samples), this.intervalNanos / 1_000_000_000L, this.tolerance,
				List.copyOf(this.failures));
	}

	static Report report(List<Sample> samples, long intervalSeconds, double tolerance, List<String> failures) {
		Report report = new Report("soak");
		report.figure("samples", String.format(Locale.ROOT, "samples (every %d s)", intervalSeconds), samples.size());
		if (!failures.isEmpty()) {
			report.figure("failed_samples", "failed samples", failures.size());
			report.data("failures", failures);
		}
		List<Map<String, Object>> points = new ArrayList<>();
		for (Sample sample : samples) {
			Map<String, Object> point = new LinkedHashMap<>();
			point.put("t_s", Math.round(sample.seconds() * 10) / 10.0);
			point.put("heap_after_gc_bytes", sample.reading().heapAfterGcBytes());
			point.put("threads", sample.reading().threads());
			point.put("fds", sample.reading().fds());
			points.add(point);
		}
		report.data("timeline", points);
		report.data("tolerance_pct", tolerance * 100);
		if (samples.size() < SoakTrend.MIN_SAMPLES) {
			report.figure("flat", "verdict", "none: fewer than " + SoakTrend.MIN_SAMPLES + " samples");
			report.data("flat", null);
			return report;
		}
		SoakTrend heap = trend(report, samples, "heap_after_gc_mib", "heap after GC (MiB)",
				(sample) -> sample.reading().heapAfterGcBytes() / 1048576.0, tolerance);
		SoakTrend threads = trend(report, samples, "threads", "threads", (sample) -> sample.reading().threads(),
				tolerance);
		SoakTrend fds = trend(report, samples, "fds", "open file descriptors", (sample) -> sample.reading().fds(),
				tolerance);
		boolean flat = heap.flat() && threads.flat() && fds.flat() && failures.isEmpty();
		report.data("flat", flat);
		report.line(String.format(Locale.ROOT, "%-34s %s", "verdict",
				(flat ? "FLAT" : "NOT FLAT") + String.format(Locale.ROOT,
						" (each last-quarter average at most %.0f %% above the second quarter's%s)", tolerance * 100,
						failures.isEmpty() ? "" : "; some samples failed")));
		return report;
	}

	private static SoakTrend trend(Report report, List<Sample> samples, String key, String label,
			ToDoubleFunction<Sample> value, double tolerance) {
		SoakTrend trend = SoakTrend.of(samples.stream().map(value::applyAsDouble).toList(), tolerance);
		report.data(key, trend.json());
		report.line(String.format(Locale.ROOT,
				"%-34s first %.1f, last %.1f, max %.1f; 2nd quarter %.1f, last quarter %.1f (%+.1f %%): %s", label,
				trend.first(), trend.last(), trend.max(), trend.secondQuarter(), trend.lastQuarter(),
				trend.changePercent(), trend.flat() ? "flat" : "GROWS"));
		return trend;
	}

	/**
	 * One sample.
	 *
	 * @param seconds since the start of the load
	 * @param reading what was read
	 */
	record Sample(double seconds, ProcessGauges.Reading reading) {

	}

}
