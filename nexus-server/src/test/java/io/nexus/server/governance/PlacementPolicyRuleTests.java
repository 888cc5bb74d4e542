package io.nexus.server.governance;

import java.util.List;
import java.util.Map;

import io.nexus.protocol.TaskPriority;
import io.nexus.server.dispatch.Contender;
import io.nexus.server.tasks.Task;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PlacementPolicyRuleTests {

	private static final Contender EU = PolicyFixture.agent("agent-eu", Map.of("zone", "eu"), null);

	private static final Contender BARE = PolicyFixture.agent("agent-bare", Map.of(), null);

	private static final Contender ENROLLED = PolicyFixture.agent("agent-enrolled", Map.of("zone", "us"),
			List.of("deploy"));

	@Test
	void twentyPoliciesAdmitOnlyTheAgentsThatSatisfyEveryMatchingOne() {
		PlacementPolicyRule rule = PolicyFixture.rule(PolicyFixture.twenty());
		Task build = PolicyFixture.task("t1", "build", TaskPriority.HIGH);
		assertThat(rule.admits(build, EU)).isTrue();
		assertThat(rule.admits(build, BARE)).isFalse();
		assertThat(rule.refusal(build, BARE).reason()).contains("'zone' (pol_10@1)");
		assertThat(rule.admits(build, ENROLLED)).isFalse();
		assertThat(rule.refusal(build, ENROLLED).reason()).contains("'registered' (pol_12@1)");
		assertThat(rule.noneAdmits(build, List.of(BARE, ENROLLED)))
			.isEqualTo("no connected agent satisfies placement policy 'zone' (pol_10@1), 'registered' (pol_12@1)");
	}

	@Test
	void aDenyPolicyRefusesEveryAgentAndNamesItself() {
		PlacementPolicyRule rule = PolicyFixture
			.rule(List.of(PolicyFixture.deny("frozen", "task.category == 'frozen'")));
		Task frozen = PolicyFixture.task("t2", "frozen", TaskPriority.LOW);
		assertThat(rule.admits(frozen, EU)).isFalse();
		assertThat(rule.noneAdmits(frozen, List.of(EU))).isEqualTo("denied by placement policy 'frozen' (pol_0@1)");
		assertThat(rule.admits(PolicyFixture.task("t3", "build", TaskPriority.LOW), EU)).isTrue();
	}

	@Test
	void aConditionThatFailsDeniesThePairAndNotOthers() {
		PlacementPolicyRule rule = PolicyFixture
			.rule(List.of(PolicyFixture.require("zone", "true", "agent.labels.zone == 'eu'")));
		Task task = PolicyFixture.task("t4", "build", TaskPriority.MEDIUM);
		assertThat(rule.admits(task, BARE)).isFalse();
		assertThat(rule.admits(task, EU)).isTrue();
	}

	@Test
	void theMatchOfATaskIsReadOnceForAllItsAgents() {
		PlacementPolicyRule rule = PolicyFixture.rule(List.of(PolicyFixture.deny("odd", "task.category == 'odd'")));
		Task odd = PolicyFixture.task("t5", "odd", TaskPriority.MEDIUM);
		Task even = PolicyFixture.task("t6", "even", TaskPriority.MEDIUM);
		for (int i = 0; i < 3; i++) {
			assertThat(rule.admits(odd, EU)).isFalse();
			assertThat(rule.admits(odd, BARE)).isFalse();
			assertThat(rule.admits(even, EU)).isTrue();
		}
	}

}
