package io.nexus.bench;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcCpuTests {

	// fields 14-17 (utime stime cutime cstime) are 250 40 7 3
	private static final String STAT = "4242 (java (my) app) S 1 4242 4242 0 -1 4194560 123 0 0 0 250 40 7 3 20 0 "
			+ "40 0 100 4000000 5000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";

	@Test
	void addsUpUserSystemAndWaitedChildrenTicksWhateverTheCommandName() {
		assertThat(ProcCpu.parseStatTicks(STAT)).isEqualTo(250 + 40 + 7 + 3);
	}

	@Test
	void convertsTicksToMilliseconds() {
		assertThat(ProcCpu.millis(250, 100)).isEqualTo(2500.0);
		assertThat(ProcCpu.millis(3, 1000)).isEqualTo(3.0);
	}

	@Test
	void recognisesThePackagedServer() {
		assertThat(ProcCpu.isServer("java -Xmx1g -jar /tmp/bench/nexus-server.jar --server.port=4700")).isTrue();
		assertThat(ProcCpu.isServer("/usr/bin/java -jar nexus-server.jar")).isTrue();
		assertThat(ProcCpu.isServer("java -jar nexus-bench.jar --url http://localhost:4700")).isFalse();
		assertThat(ProcCpu.isServer("tail -f nexus-server.jar.log")).isFalse();
	}

	@Test
	void recognisesPostgresProcesses() {
		assertThat(ProcCpu.isPostgres("postgres", "/usr/lib/postgresql/15/bin/postgres -D /var/lib/x")).isTrue();
		assertThat(ProcCpu.isPostgres("postgres", "postgres: 15/main: walwriter")).isTrue();
		assertThat(ProcCpu.isPostgres("postgres: nexus", "postgres: nexus nexus_bench 127.0.0.1(5432) idle")).isTrue();
		assertThat(ProcCpu.isPostgres("pgbench", "pgbench -N -c 8 pgbench_ref")).isFalse();
	}

	@Test
	void readsThisProcess() {
		ProcCpu cpu = new ProcCpu(ProcessHandle.current().pid());
		ProcCpu.Sample sample = cpu.read();
		assertThat(sample.bench()).isPositive();
		assertThat(sample.server()).isCloseTo(sample.bench(), org.assertj.core.data.Offset.offset(1_000L));
		assertThat(cpu.ticksPerSecond()).isPositive();
	}

	@Test
	void costsPerTaskFromTwoReadings() {
		ProcCpu.Sample before = new ProcCpu.Sample(1_000, 500, 200);
		ProcCpu.Sample after = new ProcCpu.Sample(1_400, 600, -1);
		Map<String, Object> figures = RunCosts.cpuPerTask(before, after, 2_000, 100, 2.0);
		// 400 ticks = 4,000 ms over 2,000 tasks, in 2 s: two cores
		assertThat(figures).containsEntry("server_cpu_ms", 4000.0)
			.containsEntry("server_ms_per_task", 2.0)
			.containsEntry("server_cores", 2.0)
			.containsEntry("postgres_ms_per_task", 0.5)
			.containsEntry("postgres_cores", 0.5)
			.containsEntry("bench_ms_per_task", null)
			.containsEntry("tasks", 2_000L);
	}

	@Test
	void noCostPerTaskWithoutTasks() {
		ProcCpu.Sample sample = new ProcCpu.Sample(1, 1, 1);
		assertThat(RunCosts.cpuPerTask(sample, sample, 0, 100, 1.0)).containsEntry("server_ms_per_task", null);
	}

	@Test
	void commitsPerTaskTakeTransactionIdsAtTheEndAndStatisticsSettled() {
		PgCounters.Reading before = new PgCounters.Reading(1_000, 50_000, 700);
		PgCounters.Reading end = new PgCounters.Reading(1_300, 50_100, 750);
		PgCounters.Reading settled = new PgCounters.Reading(1_302, 51_000, 800);
		Map<String, Object> figures = RunCosts.pgPerTask(before, end, settled, 1_000);
		assertThat(figures).containsEntry("durable_commits", 300L)
			.containsEntry("durable_commits_per_task", 0.3)
			.containsEntry("xact_commit_per_task", 1.0)
			.containsEntry("wal_sync_per_task", 0.1);
	}

}
