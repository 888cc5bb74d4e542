package io.nexus.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line: a load run (open-loop task creation against SDK agents) by default,
 * the peer queues' closed-loop workload with {@code --closed-loop}, or an idle-connection
 * run with {@code --idle-agents}.
 */
@Command(name = "nexus-bench", mixinStandardHelpOptions = true, sortOptions = false, description = {
		"Drives a running Nexus over HTTP and WebSocket and measures it.",
		"Load run (default): creates tasks at a fixed open-loop rate and runs them on SDK agents.",
		"Closed loop (--closed-loop): the peer queues' workload, bulk then single creates, each as soon as the last was answered.",
		"Idle run (--idle-agents N): connects N idle agents and reports the server's memory growth.",
		"Fair share (--fair-share): a backlog skewed 90/5/5 between three fairness keys; each key's share per 10 s window.",
		"Soak (a load run with --soak-sample-seconds N): also samples the server's heap after GC, threads and open files." })
public final class NexusBench implements Callable<Integer> {

	@Option(names = "--url", defaultValue = "http://localhost:4100", description = "Nexus base URL (${DEFAULT-VALUE})")
	URI url;

	@Option(names = "--agent-url",
			description = "Base URL of the node the agents connect to, when it is not --url (another node of the same cluster)")
	@Nullable URI agentUrl;

	@Option(names = "--username", defaultValue = "admin", description = "User to log in as (${DEFAULT-VALUE})")
	String username;

	@Option(names = "--password", defaultValue = "${env:NEXUS_ADMIN_PASSWORD}",
			description = "Password (default: $NEXUS_ADMIN_PASSWORD)")
	@Nullable String password;

	@Option(names = "--agents", defaultValue = "4",
			description = "SDK agents for a load or closed-loop run (${DEFAULT-VALUE})")
	int agents;

	@Option(names = "--concurrency", defaultValue = "32",
			description = "max_concurrency of each agent (${DEFAULT-VALUE})")
	int concurrency;

	@Option(names = "--work-ms", defaultValue = "0", description = "How long each handler sleeps (${DEFAULT-VALUE})")
	int workMs;

	@Option(names = "--rate", defaultValue = "1000", description = "Tasks created per second (${DEFAULT-VALUE})")
	int rate;

	@Option(names = "--duration", defaultValue = "30", description = "Seconds of load (${DEFAULT-VALUE})")
	int durationSeconds;

	@Option(names = "--warmup", defaultValue = "5",
			description = "Seconds at the start not recorded in the histograms (${DEFAULT-VALUE})")
	int warmupSeconds;

	@Option(names = "--batch", defaultValue = "1",
			description = "Tasks per request; 1 uses POST /api/tasks, more POST /api/tasks/batch (${DEFAULT-VALUE})")
	int batch;

	@Option(names = "--senders", defaultValue = "32", description = "HTTP sender threads (${DEFAULT-VALUE})")
	int senders;

	@Option(names = "--drain-timeout", defaultValue = "60",
			description = "Seconds to wait for completions to progress after the load ends (${DEFAULT-VALUE})")
	int drainTimeoutSeconds;

	@Option(names = "--give-up-after", defaultValue = "0",
			description = "Load run: send nothing and stop waiting this many seconds after the start; 0: never (${DEFAULT-VALUE})")
	int giveUpAfterSeconds;

	@Option(names = "--closed-loop",
			description = "Run the peer queues' closed-loop workload instead of an open-loop rate")
	boolean closedLoop;

	@Option(names = "--warmup-tasks", defaultValue = "200",
			description = "Closed loop: tasks created in bulk, then as many one by one, before measuring (${DEFAULT-VALUE})")
	int warmupTasks;

	@Option(names = "--bulk-tasks", defaultValue = "20000",
			description = "Closed loop: tasks of the bulk phase (${DEFAULT-VALUE})")
	int bulkTasks;

	@Option(names = "--chunk", defaultValue = "100",
			description = "Closed loop: tasks per bulk request (${DEFAULT-VALUE})")
	int chunk;

	@Option(names = "--single-tasks", defaultValue = "5000",
			description = "Closed loop: tasks of the single phase (${DEFAULT-VALUE})")
	int singleTasks;

	@Option(names = "--phases", defaultValue = "bulk,single", split = ",",
			description = "Closed loop: measured phases, in order (${DEFAULT-VALUE})")
	List<String> phases;

	@Option(names = "--phase-timeout", defaultValue = "600",
			description = "Closed loop: seconds a phase may take before it is reported incomplete (${DEFAULT-VALUE})")
	int phaseTimeoutSeconds;

	@Option(names = "--pg-url",
			description = "JDBC URL of the server's database, for commits per task and --history (jdbc:postgresql://host:5432/db)")
	@Nullable String pgUrl;

	@Option(names = "--pg-user", description = "User for --pg-url (default: from the URL)")
	@Nullable String pgUser;

	@Option(names = "--pg-password", defaultValue = "${env:NEXUS_BENCH_PG_PASSWORD}",
			description = "Password for --pg-url (default: $NEXUS_BENCH_PG_PASSWORD, or from the URL)")
	@Nullable String pgPassword;

	@Option(names = "--pg-settle", defaultValue = "11",
			description = "Seconds to let PostgreSQL publish its statistics before the last reading (${DEFAULT-VALUE})")
	int pgSettleSeconds;

	@Option(names = "--history", defaultValue = "0",
			description = "Copy this many completed tasks into the database before measuring (needs --pg-url)")
	long history;

	@Option(names = "--idle-agents", defaultValue = "0",
			description = "Connect this many idle agents instead of a load run")
	int idleAgents;

	@Option(names = "--server-pid",
			description = "PID of the server, for its VmRSS and CPU time (default for CPU: the one java process running nexus-server.jar)")
	@Nullable Long serverPid;

	@Option(names = "--gc-via-jcmd", description = "Run 'jcmd <server-pid> GC.run' before each memory reading")
	boolean gcViaJcmd;

	@Option(names = "--soak-sample-seconds", defaultValue = "0",
			description = "Load run: every this many seconds of the load, force a GC in the server (jcmd) and sample its heap, "
					+ "threads and open files; report whether they stayed flat; 0: off (${DEFAULT-VALUE})")
	int soakSampleSeconds;

	@Option(names = "--count-deleted-tasks",
			description = "Count tasks that the server's retention deleted during the run (nexus_tasks_retention_deleted_total) as completed: for a server run with a short nexus.tasks.retention")
	boolean countDeletedTasks;

	@Option(names = "--soak-tolerance", defaultValue = "10",
			description = "Soak: growth in percent allowed from the second quarter's average to the last quarter's (${DEFAULT-VALUE})")
	double soakTolerancePercent;

	@Option(names = "--connect-parallelism", defaultValue = "100",
			description = "Idle run: handshakes and registrations in flight at once (${DEFAULT-VALUE})")
	int connectParallelism;

	@Option(names = "--settle", defaultValue = "10",
			description = "Idle run: seconds to wait before each memory reading (${DEFAULT-VALUE})")
	int settleSeconds;

	@Option(names = "--hold", defaultValue = "40",
			description = "Idle run: seconds to keep the connections open afterwards, then count them again (${DEFAULT-VALUE})")
	int holdSeconds;

	@Option(names = "--fair-share",
			description = "Fair-share run: a backlog skewed between three fairness keys, then agents run it; "
					+ "each key's share per window and Jain's index")
	boolean fairShare;

	@Option(names = "--backlog", defaultValue = "12000",
			description = "Fair-share run: tasks created before the agents start (${DEFAULT-VALUE})")
	int backlog;

	@Option(names = "--split", defaultValue = "90,5,5", split = ",",
			description = "Fair-share run: percent of the backlog per key (${DEFAULT-VALUE})")
	List<Integer> split;

	@Option(names = "--windows", defaultValue = "3",
			description = "Fair-share run: measured windows of 10 s (${DEFAULT-VALUE})")
	int windows;

	@Option(names = "--json", description = "Also write the results to this JSON file")
	@Nullable Path json;

	public static void main(String[] args) {
		System.exit(new CommandLine(new NexusBench()).execute(args));
	}

	@Override
	public Integer call() throws Exception {
		if (this.password == null || this.password.isBlank()) {
			throw new CommandLine.ParameterException(new CommandLine(this),
					"--password (or NEXUS_ADMIN_PASSWORD) is required");
		}
		NexusApi api = NexusApi.login(this.url, this.username, this.password);
		if (this.agentUrl != null) {
			api = api.withAgentBase(this.agentUrl);
		}
		if (this.countDeletedTasks) {
			api = api.countingDeletedTasks();
		}
		Report report = (this.idleAgents > 0) ? new IdleRun(api, idleSettings()).run()
				: this.fairShare ? new FairShareRun(api, fairShareSettings()).run() : measured(api);
		System.out.println(report.text());
		if (this.json != null) {
			report.writeJson(this.json);
			System.out.println("JSON written to " + this.json);
		}
		return 0;
	}

	private Report measured(NexusApi api) throws Exception {
		if (this.history > 0 && this.pgUrl == null) {
			throw new CommandLine.ParameterException(new CommandLine(this), "--history needs --pg-url");
		}
		Long pid = (this.serverPid != null) ? this.serverPid : ProcCpu.findServer(this.url.getPort());
		if (pid == null) {
			System.err.println("No single nexus-server.jar process found: server CPU not measured (use --server-pid)");
		}
		PgCounters pg = (this.pgUrl != null) ? PgCounters.connect(this.pgUrl, this.pgUser, this.pgPassword) : null;
		try (RunCosts costs = new RunCosts(new ProcCpu(pid), pg, Duration.ofSeconds(this.pgSettleSeconds))) {
			if (this.closedLoop) {
				return new ClosedLoopRun(api, closedLoopSettings(), costs, (report) -> fillHistory(pg, report)).run();
			}
			LoadSettings settings = loadSettings();
			Report history = new Report("history");
			fillHistory(pg, history);
			Report report = new LoadRun(api, settings, costs, soakSampler(pid)).run();
			return (this.history > 0) ? report.data("history", history.data().get("history")) : report;
		}
	}

	private void fillHistory(@Nullable PgCounters pg, Report report) throws SQLException {
		if (this.history > 0 && pg != null) {
			String done = new HistoryFill(pg.connection()).fill(this.history);
			System.err.println(done);
			report.figure("history", "history", done);
		}
	}

	@Nullable SoakSampler soakSampler(@Nullable Long pid) throws IOException {
		if (this.soakSampleSeconds <= 0) {
			return null;
		}
		if (pid == null) {
			throw new CommandLine.ParameterException(new CommandLine(this),
					"--soak-sample-seconds needs the server's process: --server-pid");
		}
		return new SoakSampler(pid, this.soakSampleSeconds, this.soakTolerancePercent);
	}

	LoadSettings loadSettings() {
		return new LoadSettings(this.agents, this.concurrency, Duration.ofMillis(this.workMs), this.rate,
				Duration.ofSeconds(this.durationSeconds), Duration.ofSeconds(this.warmupSeconds), this.batch,
				this.senders, Duration.ofSeconds(this.drainTimeoutSeconds),
				Duration.ofSeconds(this.giveUpAfterSeconds));
	}

	ClosedLoopSettings closedLoopSettings() {
		return new ClosedLoopSettings(this.agents, this.concurrency, Duration.ofMillis(this.workMs), this.warmupTasks,
				this.bulkTasks, this.chunk, this.singleTasks, this.phases,
				Duration.ofSeconds(this.phaseTimeoutSeconds));
	}

	FairShareSettings fairShareSettings() {
		if (this.split.size() != 3) {
			throw new CommandLine.ParameterException(new CommandLine(this), "--split needs three numbers");
		}
		return new FairShareSettings(this.backlog, this.split, this.agents, this.concurrency,
				Duration.ofMillis(this.workMs), this.windows, 10);
	}

	IdleSettings idleSettings() {
		return new IdleSettings(this.idleAgents, this.serverPid, this.gcViaJcmd, this.connectParallelism,
				Duration.ofSeconds(this.settleSeconds), Duration.ofSeconds(this.holdSeconds));
	}

}
