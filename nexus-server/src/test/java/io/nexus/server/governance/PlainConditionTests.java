package io.nexus.server.governance;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.nexus.protocol.AgentStatus;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentId;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions of the common shapes run as plain Java, and answer exactly what the CEL
 * runtime answers for them (true, false, or an error) on any task and agent.
 */
class PlainConditionTests {

	private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

	private static final List<String> MATCHES = List.of("task.category == 'build'", "task.category != 'build'",
			"'build' in task.capabilities", "task.priority == 'critical' && task.title.startsWith('x1')",
			"task.priority != 'low' || task.max_attempts > 2", "task.created_by == 'admin'", "task.max_attempts > 0",
			"task.timeout_seconds <= 60", "size(task.capabilities) >= 2", "task.category in ['build', 'deploy']",
			"!(task.title.contains('x'))", "task.title.endsWith('9') ? task.max_attempts == 3 : true",
			"task.id.startsWith('task-') == true");

	private static final List<String> REQUIRES = List.of("'zone' in agent.labels",
			"!('zone' in agent.labels) || agent.labels['zone'] in ['eu', 'us']",
			"!agent.enrolled || 'build' in agent.enrollment_scope", "agent.id.startsWith('agent-')",
			"agent.max_concurrency >= 1", "agent.labels['tier'] == 'gold'", "agent.labels['tier'] != 'gold'",
			"agent.labels['zone'] == 'eu' && agent.priority_score > 50",
			"agent.labels['zone'] == 'eu' || agent.priority_score > 50", "agent.labels['tier'] == 'gold' && false",
			"true || agent.labels['tier'] == 'gold'", "agent.labels[task.category] == 'yes'",
			"task.category in agent.capabilities", "size(agent.labels) < 2", "agent.enrolled == false",
			"agent.name.contains(task.created_by)", "agent.labels['zone'].startsWith('e')",
			"agent.priority_score > 50 ? agent.labels['tier'] == 'gold' : agent.max_concurrency > 2",
			"size(agent.enrollment_scope) == 0 || task.category in agent.enrollment_scope");

	private final PolicyCompiler compiler = new PolicyCompiler();

	private final Map<String, PolicyCompiler.Programs> compiled = new ConcurrentHashMap<>();

	@Test
	void theConditionsOfTheBenchmarkFixtureAllRunAsPlainJava() {
		for (PlacementPolicy.Definition definition : PolicyFixture.twenty()) {
			PolicyCompiler.Programs programs = this.compiler.compile(definition);
			assertThat(programs.plainMatch()).as(definition.match()).isNotNull();
			if (definition.require() != null) {
				assertThat(programs.plainRequire()).as(definition.require()).isNotNull();
			}
		}
		for (String require : REQUIRES) {
			assertThat(require(require).plainRequire()).as(require).isNotNull();
		}
		for (String match : MATCHES) {
			assertThat(match(match).plainMatch()).as(match).isNotNull();
		}
	}

	@Test
	void conditionsOfOtherShapesStayWithCel() {
		for (String require : List.of("agent.capabilities.exists(c, c.startsWith('gpu'))",
				"agent.name.matches('^w[0-9]+$')", "agent.max_concurrency * 2 > 3", "agent.labels.zone == 'eu'",
				"task.title < agent.name", "agent.capabilities == ['build']")) {
			PolicyCompiler.Programs programs = require(require);
			assertThat(programs.plainRequire()).as(require).isNull();
			assertThat(programs.require()).isNotNull();
		}
	}

	@Property(tries = 300)
	void plainJavaAnswersWhatCelAnswers(@ForAll("tasks") Map<String, Object> task, @ForAll("agents") Agent agent)
			throws Exception {
		for (String match : MATCHES) {
			PolicyCompiler.Programs programs = match(match);
			assertThat(programs.plainMatch().test(task, null)).as(match + " on " + task)
				.isEqualTo(cel(programs.match(), new PolicyVariables(task, null)));
		}
		for (String require : REQUIRES) {
			PolicyCompiler.Programs programs = require(require);
			assertThat(programs.plainRequire().test(task, agent)).as(require + " on " + task + " and " + agent)
				.isEqualTo(cel(programs.require(), new PolicyVariables(task, agent)));
		}
	}

	@Test
	void aPlainErrorIsReportedWithCelsOwnError() {
		CompiledPolicy policy = new CompiledPolicy(new PlacementPolicy("pol_1", 1,
				PolicyFixture.require("tier", "true", "agent.labels['tier'] == 'gold'"), "admin", NOW, "admin", NOW),
				require("agent.labels['tier'] == 'gold'"));
		Map<String, Object> task = PolicyVariables.task("task-1", "t", "build", List.of("build"), "high", "admin", 3,
				60);
		assertThat(policy.decide(task, agent(Map.of("tier", "gold"), null))).isEqualTo(PolicyDecision.ADMITS);
		assertThat(policy.decide(task, agent(Map.of("tier", "iron"), null))).isEqualTo(PolicyDecision.DENIES);
		assertThat(policy.decide(task, agent(Map.of(), null))).isEqualTo(PolicyDecision.ERROR);
	}

	@Provide
	Arbitrary<Map<String, Object>> tasks() {
		Arbitrary<String> ids = Arbitraries.of("task-1", "task-9", "job-2");
		Arbitrary<String> titles = Arbitraries.of("x1 deploy", "x2", "build 9", "", "admin's");
		Arbitrary<String> categories = Arbitraries.of("build", "deploy", "", "zone", "frozen-1");
		Arbitrary<List<String>> capabilities = Arbitraries.of("build", "deploy", "gpu").list().uniqueElements();
		Arbitrary<String> priorities = Arbitraries.of("low", "medium", "high", "critical");
		Arbitrary<String> creators = Arbitraries.of("admin", "ops", "w");
		Arbitrary<Long> attempts = Arbitraries.longs().between(0, 5);
		Arbitrary<Long> timeouts = Arbitraries.longs().between(1, 120);
		return Combinators.combine(ids, titles, categories, capabilities, priorities, creators, attempts, timeouts)
			.as(PolicyVariables::task);
	}

	@Provide
	Arbitrary<Agent> agents() {
		Arbitrary<Map<String, String>> labels = Arbitraries
			.maps(Arbitraries.of("zone", "tier", "build", "deploy"), Arbitraries.of("eu", "us", "gold", "yes", ""))
			.ofMaxSize(3);
		Arbitrary<List<String>> scope = Arbitraries.of("build", "deploy").list().uniqueElements().injectNull(0.4);
		return Combinators
			.combine(labels, scope, Arbitraries.of("agent-1", "worker-2", "agent-x"),
					Arbitraries.of("admin-box", "w1", "ops"), Arbitraries.integers().between(0, 100),
					Arbitraries.integers().between(1, 8), Arbitraries.of("build", "deploy").list().uniqueElements())
			.as((label, enrolled, id, name, score, slots, capabilities) -> new Agent(new AgentId(id), name,
					AgentStatus.IDLE, capabilities, score, slots, label, true, null, null, NOW, NOW, NOW, 1, enrolled,
					null));
	}

	private static Agent agent(Map<String, String> labels, List<String> scope) {
		return new Agent(new AgentId("agent-1"), "a", AgentStatus.IDLE, List.of("build"), 50, 4, labels, true, null,
				null, NOW, NOW, NOW, 1, scope, null);
	}

	private static byte cel(CelRuntime.Program program, PolicyVariables variables) {
		try {
			return Boolean.TRUE.equals(program.eval(variables)) ? PlainCondition.TRUE : PlainCondition.FALSE;
		}
		catch (CelEvaluationException ex) {
			return PlainCondition.ERROR;
		}
	}

	private PolicyCompiler.Programs match(String match) {
		return this.compiled.computeIfAbsent("match:" + match,
				(key) -> this.compiler.compile(PolicyFixture.deny("m", match)));
	}

	private PolicyCompiler.Programs require(String require) {
		return this.compiled.computeIfAbsent("require:" + require,
				(key) -> this.compiler.compile(PolicyFixture.require("r", "true", require)));
	}

}
