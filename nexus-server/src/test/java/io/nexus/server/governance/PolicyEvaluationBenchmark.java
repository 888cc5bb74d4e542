package io.nexus.server.governance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.nexus.protocol.TaskPriority;
import io.nexus.server.dispatch.Contender;
import io.nexus.server.tasks.Task;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the placement policies cost dispatch per task-agent pair, with twenty enabled
 * ({@link PolicyFixture#twenty()}: ten deny policies that do not match, five require
 * policies that do, five that do not). Two cases: {@code sameTask}, as dispatch asks (one
 * task, then its agents: the task's {@code match} results are kept), and
 * {@code newTaskEveryPair}, the worst case where every pair is a new task (all twenty
 * {@code match} conditions and the matching {@code require} ones are evaluated).
 * <p>
 * Run (see docs/benchmarks.md): {@code ./mvnw -o -q -pl nexus-server test-compile
 * dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test}
 * then {@code java -cp target/test-classes:target/classes:$(cat target/cp.txt)
 * org.openjdk.jmh.Main PolicyEvaluationBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode({ Mode.AverageTime, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyEvaluationBenchmark {

	/** Conditions of common shapes as plain Java (what Nexus does), or all in CEL. */
	@Param({ "true", "false" })
	public boolean plain;

	private PlacementPolicyRule rule;

	private Task task;

	private final List<Task> tasks = new ArrayList<>();

	private final List<Contender> agents = new ArrayList<>();

	private int next;

	@Setup
	public void setUp() {
		this.rule = PolicyFixture.rule(PolicyFixture.twenty(), this.plain);
		this.task = PolicyFixture.task("task-bench", "build", TaskPriority.HIGH);
		for (int i = 0; i < 64; i++) {
			this.tasks.add(PolicyFixture.task("task-" + i, "build", TaskPriority.HIGH));
		}
		for (int i = 0; i < 16; i++) {
			this.agents
				.add(PolicyFixture.agent("agent-" + i, Map.of("zone", (i % 2 == 0) ? "eu" : "us", "rack", "r" + i),
						(i % 4 == 0) ? List.of("build") : null));
		}
	}

	@Benchmark
	public boolean sameTask() {
		int i = this.next++;
		return this.rule.admits(this.task, this.agents.get(i & 15));
	}

	@Benchmark
	public boolean newTaskEveryPair() {
		int i = this.next++;
		return this.rule.admits(this.tasks.get(i & 63), this.agents.get(i & 15));
	}

}
