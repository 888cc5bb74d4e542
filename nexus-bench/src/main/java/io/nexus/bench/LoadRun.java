package io.nexus.bench;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * A load run: agents connect, tasks are created at a fixed rate for the configured time,
 * then the run waits until every created task is completed (or completions stall). With a
 * {@link SoakSampler} it also samples the server's heap, threads and file descriptors
 * during the load and says whether they stayed flat.
 */
final class LoadRun {

	private final NexusApi api;

	private final LoadSettings settings;

	private final RunCosts costs;

	private final @Nullable SoakSampler soak;

	LoadRun(NexusApi api, LoadSettings settings, RunCosts costs, @Nullable SoakSampler soak) {
		this.api = api;
		this.settings = settings;
		this.costs = costs;
		this.soak = soak;
	}

	Report run() throws IOException, InterruptedException, SQLException {
		Measurements measurements = new Measurements(this.settings);
		try (BenchAgents agents = BenchAgents.start(this.api, this.settings, measurements);
				CompletionMonitor monitor = new CompletionMonitor(this.api)) {
			System.err.printf("%d agents registered; sending %,d tasks/s for %d s (batch %d)%n", this.settings.agents(),
					this.settings.rate(), this.settings.duration().toSeconds(), this.settings.batch());
			RunCosts.Mark mark = this.costs.begin();
			long start = System.nanoTime() + 200_000_000L;
			measurements.begin(start);
			if (this.soak != null) {
				this.soak.start(start, start + this.settings.duration().toNanos());
			}
			new OpenLoopSender(this.api, this.settings, measurements).run();
			if (this.soak != null) {
				this.soak.await();
			}
			long allCompletedAt = drain(measurements, monitor, this.settings.giveUpNanos(start));
			Report report = report(measurements, monitor, start, allCompletedAt);
			this.costs.end(mark, monitor.latest().completed(), report);
			if (this.soak != null) {
				report.part("soak", "Soak (server process):", this.soak.report());
			}
			return report;
		}
	}

	/**
	 * Waits until every created task is completed.
	 * @return when the last completion was seen, or 0 if completions stalled first
	 */
	private long drain(Measurements measurements, CompletionMonitor monitor, long giveUp) throws InterruptedException {
		long created = measurements.tasksCreated();
		long lastProgressAt = System.nanoTime();
		long lastCompleted = -1;
		while (System.nanoTime() - lastProgressAt < this.settings.drainTimeout().toNanos()
				&& System.nanoTime() < giveUp) {
			CompletionMonitor.Sample latest = monitor.latest();
			if (latest.completed() >= created) {
				return latest.nanos();
			}
			if (latest.completed() != lastCompleted) {
				lastCompleted = latest.completed();
				lastProgressAt = System.nanoTime();
			}
			Thread.sleep(200);
		}
		return 0;
	}

	private Report report(Measurements measurements, CompletionMonitor monitor, long start, long allCompletedAt) {
		LoadSettings s = this.settings;
		long loadEnd = start + s.duration().toNanos();
		long warmupEnd = start + s.warmup().toNanos();
		double window = (loadEnd - warmupEnd) / 1e9;
		double sendSeconds = (measurements.lastResponseAt() - start) / 1e9;
		long created = measurements.tasksCreated();
		long completed = monitor.latest().completed();
		LongAdder early = new LongAdder();
		LatencySummary committedToAgent = LatencySummary.of(measurements.committedToAgent(early));
		Report report = new Report("load");
		report.data("settings",
				Map.of("agents", s.agents(), "concurrency", s.concurrency(), "work_ms", s.work().toMillis(), "rate",
						s.rate(), "duration_s", s.duration().toSeconds(), "warmup_s", s.warmup().toSeconds(), "batch",
						s.batch(), "senders", s.senders()));
		report.line(String.format(
				"Load: %d agents x %d slots, work %d ms, %,d tasks/s offered for %d s "
						+ "(warm-up %d s), batch %d, %d senders",
				s.agents(), s.concurrency(), s.work().toMillis(), s.rate(), s.duration().toSeconds(),
				s.warmup().toSeconds(), s.batch(), s.senders()));
		report.figure("requests_intended", "requests intended", s.requests());
		report.figure("tasks_created", "tasks created", created);
		if (measurements.requestsNotSent() > 0) {
			report.figure("requests_not_sent", "requests not sent (--give-up-after)", measurements.requestsNotSent());
		}
		report.figure("errors", "errors", measurements.errors());
		report.figure("created_per_s", "created/s (until last answer)", created / sendSeconds);
		report.figure("send_seconds", "seconds until last answer", sendSeconds);
		report.figure("completed_per_s_steady", "completed/s (after warm-up)",
				monitor.completedBetween(warmupEnd, loadEnd) / window);
		report.figure("tasks_completed", "tasks completed", completed);
		if (allCompletedAt > 0) {
			double total = (allCompletedAt - start) / 1e9;
			report.figure("all_completed_after_s", "all completed after (s, +-1)", total);
			report.figure("completed_per_s_overall", "completed/s (overall)", completed / total);
		}
		else {
			report.figure("all_completed_after_s", "all completed after (s)",
					"not all: completions stalled or --give-up-after");
		}
		report.data("complete", allCompletedAt > 0);
		report.figure("tasks_seen_by_agents", "tasks that reached an agent", measurements.tasksSeen());
		report.figure("duplicate_deliveries", "duplicate deliveries", measurements.duplicates());
		report.latency("http_create_latency", "HTTP create (from intended)",
				LatencySummary.of(measurements.httpLatency()));
		report.latency("create_to_agent_latency", "create->agent (from intended)",
				LatencySummary.of(measurements.createToAgent()));
		report.latency("committed_to_agent_latency", "committed->agent (from answer)", committedToAgent);
		report.figure("reached_agent_before_answer", "reached agent before HTTP answer", early.sum());
		report.data("completed_timeline", timeline(monitor, start));
		return report;
	}

	private static List<Map<String, Object>> timeline(CompletionMonitor monitor, long start) {
		List<Map<String, Object>> timeline = new ArrayList<>();
		for (CompletionMonitor.Sample sample : monitor.samples()) {
			Map<String, Object> point = new LinkedHashMap<>();
			point.put("t_s", Math.round((sample.nanos() - start) / 1e7) / 100.0);
			point.put("completed", sample.completed());
			timeline.add(point);
		}
		return timeline;
	}

}
