package io.nexus.bench;

import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a run or phase cost per completed task: CPU milliseconds of the server JVM, of
 * PostgreSQL and of this JVM, and (with {@code --pg-url}) durable commits, all commits
 * and WAL flushes. Taken between a {@link #begin()} and an {@link #end}.
 */
final class RunCosts implements AutoCloseable {

	private final ProcCpu cpu;

	private final @Nullable PgCounters pg;

	private final Duration settle;

	/**
	 * @param cpu the processes to watch
	 * @param pg PostgreSQL's counters, or {@code null} without {@code --pg-url}
	 * @param settle how long to wait for PostgreSQL to publish its statistics before the
	 * last reading of {@code xact_commit} and {@code wal_sync}
	 */
	RunCosts(ProcCpu cpu, @Nullable PgCounters pg, Duration settle) {
		this.cpu = cpu;
		this.pg = pg;
		this.settle = settle;
	}

	Mark begin() throws SQLException {
		return new Mark(System.nanoTime(), this.cpu.read(), (this.pg != null) ? this.pg.read() : null);
	}

	/**
	 * Reads everything again and adds the costs per task to a report: CPU and transaction
	 * ids at once, the lazily published statistics after the settle time.
	 * @param begin the first reading
	 * @param tasks the tasks completed in between
	 * @param report where the figures go
	 */
	void end(Mark begin, long tasks, Report report) throws SQLException, InterruptedException {
		long now = System.nanoTime();
		ProcCpu.Sample cpuEnd = this.cpu.read();
		PgCounters.Reading pgEnd = null;
		PgCounters.Reading pgSettled = null;
		if (this.pg != null && begin.pg() != null) {
			pgEnd = this.pg.read();
			Thread.sleep(this.settle.toMillis());
			pgSettled = this.pg.read();
		}
		double seconds = (now - begin.nanos()) / 1e9;
		Map<String, Object> cpuFigures = cpuPerTask(begin.cpu(), cpuEnd, tasks, this.cpu.ticksPerSecond(), seconds);
		cpuFigures.put("clock_ticks_per_s", this.cpu.ticksPerSecond());
		cpuFigures.put("clock_ticks_assumed", this.cpu.ticksAssumed());
		cpuFigures.put("server_pid", this.cpu.serverPid());
		report.data("cpu", cpuFigures);
		report.line(String.format(Locale.ROOT, "%-34s server %s, postgres %s, bench %s", "CPU ms per task",
				text(cpuFigures.get("server_ms_per_task")), text(cpuFigures.get("postgres_ms_per_task")),
				text(cpuFigures.get("bench_ms_per_task"))));
		report.line(String.format(Locale.ROOT, "%-34s server %s, postgres %s, bench %s (over %.1f s)", "CPU cores busy",
				text(cpuFigures.get("server_cores")), text(cpuFigures.get("postgres_cores")),
				text(cpuFigures.get("bench_cores")), seconds));
		if (pgEnd != null && pgSettled != null && begin.pg() != null) {
			Map<String, Object> pgFigures = pgPerTask(begin.pg(), pgEnd, pgSettled, tasks);
			pgFigures.put("settle_s", this.settle.toMillis() / 1000.0);
			report.data("postgres", pgFigures);
			report.line(String.format(Locale.ROOT, "%-34s %s durable (xids), %s xact_commit, %s WAL flushes",
					"PostgreSQL per task", text(pgFigures.get("durable_commits_per_task")),
					text(pgFigures.get("xact_commit_per_task")), text(pgFigures.get("wal_sync_per_task"))));
		}
	}

	/**
	 * CPU per task and CPU cores in use, for each process group. A group that could not
	 * be read before or after is left out.
	 */
	static Map<String, Object> cpuPerTask(ProcCpu.Sample before, ProcCpu.Sample after, long tasks, long ticksPerSecond,
			double seconds) {
		Map<String, Object> figures = new LinkedHashMap<>();
		put(figures, "server", before.server(), after.server(), tasks, ticksPerSecond, seconds);
		put(figures, "postgres", before.postgres(), after.postgres(), tasks, ticksPerSecond, seconds);
		put(figures, "bench", before.bench(), after.bench(), tasks, ticksPerSecond, seconds);
		figures.put("tasks", tasks);
		return figures;
	}

	/**
	 * Commits and flushes per task; transaction ids from the end, the statistics settled.
	 */
	static Map<String, Object> pgPerTask(PgCounters.Reading before, PgCounters.Reading end, PgCounters.Reading settled,
			long tasks) {
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("durable_commits", end.nextXid() - before.nextXid());
		figures.put("xact_commit", settled.xactCommit() - before.xactCommit());
		figures.put("wal_sync", settled.walSync() - before.walSync());
		figures.put("durable_commits_per_task", perTask(end.nextXid() - before.nextXid(), tasks));
		figures.put("xact_commit_per_task", perTask(settled.xactCommit() - before.xactCommit(), tasks));
		figures.put("wal_sync_per_task", perTask(settled.walSync() - before.walSync(), tasks));
		return figures;
	}

	private static void put(Map<String, Object> figures, String name, long before, long after, long tasks,
			long ticksPerSecond, double seconds) {
		if (before < 0 || after < 0) {
			figures.put(name + "_ms_per_task", null);
			figures.put(name + "_cores", null);
			return;
		}
		double ms = ProcCpu.millis(after - before, ticksPerSecond);
		figures.put(name + "_cpu_ms", ms);
		figures.put(name + "_ms_per_task", perTask(ms, tasks));
		figures.put(name + "_cores", (seconds > 0) ? round(ms / 1000 / seconds, 100) : null);
	}

	private static @Nullable Double perTask(double total, long tasks) {
		return (tasks > 0) ? round(total / tasks, 1000) : null;
	}

	private static double round(double value, int scale) {
		return Math.round(value * scale) / (double) scale;
	}

	private static String text(@Nullable Object value) {
		return (value != null) ? value.toString() : "n/a";
	}

	@Override
	public void close() throws SQLException {
		if (this.pg != null) {
			this.pg.close();
		}
	}

	/**
	 * The readings a phase starts from.
	 *
	 * @param nanos when
	 * @param cpu the processes' CPU time
	 * @param pg PostgreSQL's counters, or {@code null}
	 */
	record Mark(long nanos, ProcCpu.Sample cpu, PgCounters.@Nullable Reading pg) {

	}

}
