package io.nexus.bench;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Recorder;

/**
 * The peer queues' closed-loop workload ({@code ../shared/peers/common.mjs}), against SDK
 * agents: a warm-up that is not measured (tasks in bulk, then as many one by one), then a
 * bulk phase (chunks sent one after another, each as soon as the previous one was
 * answered) and a single phase (one awaited {@code POST /api/tasks} after another). A
 * phase's throughput is its tasks over the time from the first create request to the last
 * handler start, as the peers measure it; the time until {@code GET /status} counts them
 * all completed is reported beside it.
 */
final class ClosedLoopRun {

	private static final int WARMUP_PHASE = 1;

	private static final long POLL_NANOS = 100_000_000L;

	private final NexusApi api;

	private final ClosedLoopSettings settings;

	private final RunCosts costs;

	private final BeforePhases beforePhases;

	/**
	 * @param beforePhases runs after the warm-up, before the first measured phase (such
	 * as filling the history)
	 */
	ClosedLoopRun(NexusApi api, ClosedLoopSettings settings, RunCosts costs, BeforePhases beforePhases) {
		this.api = api;
		this.settings = settings;
		this.costs = costs;
		this.beforePhases = beforePhases;
	}

	Report run() throws Exception {
		ClosedLoopSettings s = this.settings;
		PhaseTracker tracker = new PhaseTracker();
		try (BenchAgents agents = BenchAgents.start(this.api, s.agents(), s.concurrency(), s.work(), tracker)) {
			Report report = new Report("closed-loop");
			report.data("settings",
					Map.of("agents", s.agents(), "concurrency", s.concurrency(), "work_ms", s.work().toMillis(),
							"warmup_tasks", s.warmupTasks(), "bulk_tasks", s.bulkTasks(), "chunk", s.chunk(),
							"single_tasks", s.singleTasks(), "phases", s.phases()));
			report.line(String.format(Locale.ROOT,
					"Closed loop: %d agents x %d slots, work %d ms; warm-up %d + %d tasks; bulk %,d in chunks of %d;"
							+ " single %,d; phases %s",
					s.agents(), s.concurrency(), s.work().toMillis(), s.warmupTasks(), s.warmupTasks(), s.bulkTasks(),
					s.chunk(), s.singleTasks(), String.join(",", s.phases())));
			warmUp(tracker);
			this.beforePhases.run(report);
			int number = WARMUP_PHASE + 1;
			boolean complete = true;
			for (String name : s.phases()) {
				boolean bulk = name.equals("bulk");
				int tasks = bulk ? s.bulkTasks() : s.singleTasks();
				System.err.printf("Phase %s: %,d tasks%n", name, tasks);
				Report phase = measure(tracker, number++, tasks, bulk);
				complete &= Boolean.TRUE.equals(phase.data().get("complete"));
				report.part(name, bulk ? "Bulk (chunks of " + s.chunk() + ", each after the previous answer):"
						: "Single (one awaited POST /api/tasks after another):", phase);
			}
			report.figure("strays", "tasks of another phase seen", tracker.strays());
			report.data("complete", complete);
			return report;
		}
	}

	private void warmUp(PhaseTracker tracker) throws IOException, InterruptedException {
		int tasks = this.settings.warmupTasks();
		if (tasks == 0) {
			return;
		}
		long completedBefore = this.api.completedTasks();
		long deadline = System.nanoTime() + this.settings.phaseTimeout().toNanos();
		PhaseTracker.Phase phase = tracker.arm(WARMUP_PHASE, 2 * tasks);
		Sender sender = new Sender(deadline);
		boolean sent = sender.bulk(WARMUP_PHASE, 0, tasks) && sender.singles(WARMUP_PHASE, tasks, tasks);
		if (!sent || !phase.await(remaining(deadline))
				|| awaitServerCompletions(completedBefore + 2L * tasks, deadline) == 0) {
			throw new IOException("Warm-up did not complete: " + phase.seenCount() + " of " + 2 * tasks
					+ " tasks reached an agent; " + sender.failure.orElse("no error"));
		}
		System.err.printf("Warm-up done (%d tasks)%n", 2 * tasks);
	}

	private Report measure(PhaseTracker tracker, int number, int tasks, boolean bulk) throws Exception {
		long completedBefore = this.api.completedTasks();
		RunCosts.Mark mark = this.costs.begin();
		long deadline = System.nanoTime() + this.settings.phaseTimeout().toNanos();
		PhaseTracker.Phase phase = tracker.arm(number, tasks);
		Sender sender = new Sender(deadline);
		long start = System.nanoTime();
		boolean sent = bulk ? sender.bulk(number, 0, tasks) : sender.singles(number, 0, tasks);
		long createdAt = System.nanoTime();
		boolean allSeen = sent && phase.await(remaining(deadline));
		long serverDoneAt = allSeen ? awaitServerCompletions(completedBefore + tasks, deadline) : 0;
		long completed = (serverDoneAt > 0) ? tasks : this.api.completedTasks() - completedBefore;

		Report part = new Report("phase");
		part.figure("tasks", "tasks", tasks);
		part.figure("complete", "all reached agents and completed", allSeen && serverDoneAt > 0);
		double toLast = (((phase.lastNanos() > 0) ? phase.lastNanos() : System.nanoTime()) - start) / 1e9;
		if (allSeen) {
			part.figure("tasks_per_s", "tasks/s (create->last handler)", tasks / toLast);
		}
		else {
			part.figure("tasks_reached_agents", "tasks that reached an agent", phase.seenCount());
			part.figure("tasks_per_s_lower_bound", "tasks/s reached (incomplete)", phase.seenCount() / toLast);
		}
		if (sent) {
			part.figure("created_per_s", "created/s (create calls only)", tasks / ((createdAt - start) / 1e9));
		}
		if (serverDoneAt > 0) {
			double toDone = (serverDoneAt - start) / 1e9;
			part.figure("tasks_per_s_server_completed", "tasks/s (create->all completed)", tasks / toDone);
			part.figure("seconds_to_server_completed", "s until /status counts all (+0.1)", toDone);
		}
		part.figure("seconds_to_last_handler", "s until the last handler", toLast);
		part.latency("http_create_latency", bulk ? "HTTP create (per chunk)" : "HTTP create", sender.latency());
		part.latency("create_to_agent_latency", "create request sent->agent", phase.createToAgent());
		part.figure("duplicate_deliveries", "duplicate deliveries", phase.duplicates());
		part.figure("refusals", "429/503 answers (retried)", sender.refusals);
		sender.failure.ifPresent((failure) -> part.figure("failure", "stopped by", failure));
		this.costs.end(mark, completed, part);
		return part;
	}

	/**
	 * Polls {@code /status}; returns when it counted {@code target} completed, or 0. A
	 * poll costs the server a count over all tasks, so the pause is at least as long as
	 * the last poll took: polling never takes more than half of a database connection's
	 * time.
	 */
	private long awaitServerCompletions(long target, long deadline) throws InterruptedException {
		while (System.nanoTime() < deadline) {
			long asked = System.nanoTime();
			try {
				if (this.api.completedTasks() >= target) {
					return System.nanoTime();
				}
			}
			catch (IOException ex) {
				// a missed reading only delays the answer
			}
			LockSupport.parkNanos(Math.max(POLL_NANOS, System.nanoTime() - asked));
		}
		return 0;
	}

	private static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
	}

	/**
	 * Seconds to wait after a {@code 429} or {@code 503}: the {@code Retry-After} header
	 * in seconds (its date form is not used by Nexus), else a tenth of a second.
	 */
	static double retryAfterSeconds(Optional<String> header) {
		try {
			return header.map(String::trim).map(Double::parseDouble).filter((seconds) -> seconds >= 0).orElse(0.1);
		}
		catch (NumberFormatException ex) {
			return 0.1;
		}
	}

	/**
	 * Sends the create requests of one phase, one after another. A {@code 429} or
	 * {@code 503} is retried after its {@code Retry-After}; any other failure stops the
	 * phase.
	 */
	private final class Sender {

		private final long deadline;

		private final Recorder latency = new Recorder(3);

		private long refusals;

		private Optional<String> failure = Optional.empty();

		Sender(long deadline) {
			this.deadline = deadline;
		}

		boolean bulk(int phase, int firstSeq, int tasks) throws InterruptedException {
			ClosedLoopSettings s = ClosedLoopRun.this.settings;
			for (int chunk = 0; chunk < s.chunks(tasks); chunk++) {
				int size = s.chunkSize(tasks, chunk);
				long sentAt = System.nanoTime();
				StringBuilder body = new StringBuilder(size * 150).append("{\"tasks\":[");
				for (int i = 0; i < size; i++) {
					body.append((i > 0) ? "," : "")
						.append(TaskBodies.phaseTask(phase, firstSeq + (long) chunk * s.chunk() + i, sentAt));
				}
				if (!send(body.append("]}").toString(), true, sentAt)) {
					return false;
				}
			}
			return true;
		}

		boolean singles(int phase, int firstSeq, int tasks) throws InterruptedException {
			for (int i = 0; i < tasks; i++) {
				long sentAt = System.nanoTime();
				if (!send(TaskBodies.phaseTask(phase, firstSeq + i, sentAt), false, sentAt)) {
					return false;
				}
			}
			return true;
		}

		private boolean send(String body, boolean batch, long sentAt) throws InterruptedException {
			while (System.nanoTime() < this.deadline) {
				HttpResponse<String> response;
				try {
					response = ClosedLoopRun.this.api.postTasks(body, batch);
				}
				catch (IOException ex) {
					this.failure = Optional.of(ex.toString());
					return false;
				}
				int status = response.statusCode();
				if (status / 100 == 2) {
					this.latency.recordValue(System.nanoTime() - sentAt);
					return true;
				}
				if (status != 429 && status != 503) {
					String text = response.body();
					this.failure = Optional
						.of("HTTP " + status + ": " + text.substring(0, Math.min(200, text.length())));
					return false;
				}
				this.refusals++;
				double wait = retryAfterSeconds(response.headers().firstValue("Retry-After"));
				LockSupport.parkNanos((long) (wait * 1e9));
			}
			this.failure = Optional.of("--phase-timeout while creating");
			return false;
		}

		LatencySummary latency() {
			return LatencySummary.of(this.latency.getIntervalHistogram());
		}

	}

	/**
	 * A step between the warm-up and the measured phases.
	 */
	@FunctionalInterface
	interface BeforePhases {

		void run(Report report) throws IOException, SQLException, InterruptedException;

	}

}
