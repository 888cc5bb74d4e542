package io.nexus.server.governance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nexus.protocol.AgentStatus;
import io.nexus.protocol.TaskPriority;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentId;
import io.nexus.server.dispatch.Contender;
import io.nexus.server.dispatch.Dispatcher;
import io.nexus.server.governance.persistence.PlacementPolicyRepository;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/**
 * The placement policy rule over policies held in memory, without Spring or a database:
 * for unit tests and the JMH benchmark.
 */
final class PolicyFixture {

	static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

	private PolicyFixture() {
	}

	/**
	 * The rule over the given policies, all enabled, in the order given.
	 * @param definitions the policies
	 * @return the rule
	 */
	static PlacementPolicyRule rule(List<PlacementPolicy.Definition> definitions) {
		return rule(definitions, true);
	}

	/**
	 * The rule over the given policies, all enabled, in the order given.
	 * @param definitions the policies
	 * @param plain whether conditions of common shapes run as plain Java, or all in CEL
	 * @return the rule
	 */
	static PlacementPolicyRule rule(List<PlacementPolicy.Definition> definitions, boolean plain) {
		List<PlacementPolicy> policies = new ArrayList<>();
		for (int i = 0; i < definitions.size(); i++) {
			policies.add(new PlacementPolicy("pol_" + i, 1, definitions.get(i), "admin", NOW, "admin", NOW));
		}
		PlacementPolicyRepository repository = new PlacementPolicyRepository(null, null) {
			@Override
			public List<PlacementPolicy> findLive() {
				return policies;
			}
		};
		ActivePolicies board = new ActivePolicies(repository, new PolicyCompiler(plain),
				new DefaultListableBeanFactory().getBeanProvider(Dispatcher.class), new SimpleMeterRegistry());
		board.refresh();
		return new PlacementPolicyRule(board);
	}

	static PlacementPolicy.Definition deny(String name, String match) {
		return new PlacementPolicy.Definition(name, "", true, 100, match, PlacementPolicy.Effect.DENY, null);
	}

	static PlacementPolicy.Definition require(String name, String match, String require) {
		return new PlacementPolicy.Definition(name, "", true, 100, match, PlacementPolicy.Effect.REQUIRE, require);
	}

	/**
	 * Twenty policies as a fleet might have them: ten deny policies on categories the
	 * task is not in, five require policies that match it (labels, enrolment, ids) and
	 * five on a priority it does not have.
	 * @return the policies
	 */
	static List<PlacementPolicy.Definition> twenty() {
		List<PlacementPolicy.Definition> policies = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			policies.add(deny("deny-" + i, "task.category == 'frozen-" + i + "'"));
		}
		policies.add(require("zone", "'build' in task.capabilities", "'zone' in agent.labels"));
		policies.add(require("eu", "task.category == 'build'",
				"!('zone' in agent.labels) || agent.labels['zone'] in ['eu', 'us']"));
		policies.add(require("registered", "task.priority != 'low'",
				"!agent.enrolled || 'build' in agent.enrollment_scope"));
		policies.add(require("ids", "task.created_by == 'admin'", "agent.id.startsWith('agent-')"));
		policies.add(require("slots", "task.max_attempts > 0", "agent.max_concurrency >= 1"));
		for (int i = 0; i < 5; i++) {
			policies.add(require("critical-" + i, "task.priority == 'critical' && task.title.startsWith('x" + i + "')",
					"agent.labels['tier'] == 'gold'"));
		}
		return policies;
	}

	static Task task(String id, String category, TaskPriority priority) {
		return new Task(new TaskId(id), id, null, priority, category, TaskStatus.QUEUED, null, List.of(category),
				List.of(), null, null, null, null, 3, 0, 3600, null, null, 0, null, "admin", NOW, NOW, NOW, null, null,
				null, null, null, null, null, null, null, null, 1, List.of());
	}

	static Contender agent(String id, Map<String, String> labels, List<String> enrollmentScope) {
		Agent agent = new Agent(new AgentId(id), id, AgentStatus.IDLE, List.of("build"), 50, 4, labels, true, null,
				null, NOW, NOW, NOW, 1, enrollmentScope, null);
		return new Contender.Stored(agent, 0, false, true, 1.0, 0);
	}

}
