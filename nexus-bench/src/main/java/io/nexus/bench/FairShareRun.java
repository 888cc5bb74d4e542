package io.nexus.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Fair share under skew: a backlog split between three {@code fairness_key}s (90/5/5 by
 * default, the big key's tasks created first), then SDK agents with few slots run it;
 * each key's share of the tasks started in every 10 s window, and Jain's fairness index
 * of the shares divided by the weights (1 when every key gets exactly its weight's
 * share).
 */
final class FairShareRun {

	/** The keys, in order of creation. */
	static final List<String> KEYS = List.of("fair-big", "fair-small-1", "fair-small-2");

	private final NexusApi api;

	private final FairShareSettings settings;

	FairShareRun(NexusApi api, FairShareSettings settings) {
		this.api = api;
		this.settings = settings;
	}

	Report run() throws IOException, InterruptedException {
		int[] backlog = new int[KEYS.size()];
		for (int i = 0; i < KEYS.size(); i++) {
			backlog[i] = (int) Math.round(this.settings.backlog() * this.settings.split().get(i) / 100.0);
		}
		long created = 0;
		for (int key = 0; key < KEYS.size(); key++) {
			for (int done = 0; done < backlog[key]; done += 100) {
				int chunk = Math.min(100, backlog[key] - done);
				StringBuilder body = new StringBuilder("{\"tasks\":[");
				for (int i = 0; i < chunk; i++) {
					body.append((i > 0) ? "," : "")
						.append("{\"title\":\"fair ")
						.append(key)
						.append("\",\"category\":\"")
						.append(TaskBodies.CAPABILITY)
						.append("\",\"fairness_key\":\"")
						.append(KEYS.get(key))
						.append("\",\"payload\":{\"k\":")
						.append(key)
						.append("}}");
				}
				int status = this.api.createTasks(body.append("]}").toString(), true);
				if (status != 201) {
					throw new IOException("Creating the backlog answered " + status);
				}
				created += chunk;
			}
		}
		// the server reads the queued keys once a second
		Thread.sleep(2000);
		int windows = this.settings.windows();
		long windowNanos = Duration.ofSeconds(this.settings.windowSeconds()).toNanos();
		AtomicLongArray counts = new AtomicLongArray(windows * KEYS.size());
		long[] start = new long[1];
		start[0] = System.nanoTime();
		try (BenchAgents agents = BenchAgents.start(this.api, this.settings.agents(), this.settings.concurrency(),
				this.settings.work(), (payload, now) -> {
					int window = (int) ((now - start[0]) / windowNanos);
					if (window >= 0 && window < windows) {
						counts.incrementAndGet(window * KEYS.size() + payload.path("k").asInt());
					}
				})) {
			start[0] = System.nanoTime();
			Thread.sleep(Duration.ofNanos(windowNanos * windows).toMillis() + 500);
		}
		Report report = new Report("fair-share");
		report.figure("created", "tasks created", created);
		report.figure("backlog", "backlog per key", KEYS.get(0) + " " + backlog[0] + ", " + KEYS.get(1) + " "
				+ backlog[1] + ", " + KEYS.get(2) + " " + backlog[2] + " (weights 1:1:1)");
		List<Map<String, Object>> rows = new ArrayList<>();
		double worstJain = 1.0;
		double worstDeviation = 0.0;
		for (int w = 0; w < windows; w++) {
			long total = 0;
			long[] perKey = new long[KEYS.size()];
			for (int k = 0; k < KEYS.size(); k++) {
				perKey[k] = counts.get(w * KEYS.size() + k);
				total += perKey[k];
			}
			double sum = 0;
			double squares = 0;
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("window", w);
			row.put("started", total);
			StringBuilder shares = new StringBuilder();
			for (int k = 0; k < KEYS.size(); k++) {
				double share = (total > 0) ? (double) perKey[k] / total : 0;
				sum += share;
				squares += share * share;
				worstDeviation = Math.max(worstDeviation, Math.abs(share - 1.0 / KEYS.size()) * KEYS.size());
				row.put(KEYS.get(k), perKey[k]);
				shares.append((k > 0) ? " / " : "").append(String.format("%.1f %%", 100 * share));
			}
			double jain = (squares > 0) ? sum * sum / (KEYS.size() * squares) : 0;
			worstJain = Math.min(worstJain, jain);
			row.put("jain", jain);
			rows.add(row);
			report.figure("window" + w,
					"window " + w + " (" + this.settings.windowSeconds() + " s): " + total + " started, shares",
					shares + String.format(", Jain %.4f", jain));
		}
		report.figure("jain_min", "Jain's index, worst window", String.format("%.4f", worstJain));
		report.figure("deviation_max", "largest deviation of a share from 1/3, relative",
				String.format("%.1f %%", 100 * worstDeviation));
		report.data("windows", rows);
		return report;
	}

}
