package io.nexus.server.dispatch;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.nexus.protocol.AgentStatus;
import io.nexus.server.agents.AgentQuarantine;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.tasks.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.nexus.server.dispatch.Contenders.NOW;
import static io.nexus.server.dispatch.Contenders.aTask;
import static io.nexus.server.dispatch.Contenders.anAgent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The one eligibility rule, rule by rule, without Spring.
 */
class EligibilityTests {

	private final Eligibility eligibility = new Eligibility(List.of());

	@Test
	void agentWithEveryCapabilityStatusThatTakesWorkAndAFreeSlotIsEligible() {
		Contender agent = anAgent("a1").withCapabilities("backend", "docs").holding(1, 2).build();

		Verdict verdict = this.eligibility.verdict(aTask("backend", "docs"), agent);

		assertThat(verdict.eligible()).isTrue();
		assertThat(verdict.reason()).isEqualTo("eligible");
		assertThat(this.eligibility.eligible(aTask("backend", "docs"), agent)).isTrue();
		assertThat(this.eligibility.takesWork(agent)).isTrue();
	}

	@Test
	void agentLackingACapabilityIsRefusedWithTheMissingOnes() {
		Contender agent = anAgent("a1").withCapabilities("backend").build();

		Verdict verdict = this.eligibility.verdict(aTask("backend", "gpu", "docs"), agent);

		assertThat(verdict.eligible()).isFalse();
		assertThat(verdict.refusal().code()).isEqualTo("capability_mismatch");
		assertThat(verdict.reason()).isEqualTo("agent 'a1' lacks required capabilities [gpu, docs]");
		assertThat(verdict.refusal().details()).containsEntry("missing", List.of("gpu", "docs"));
		assertThat(this.eligibility.eligible(aTask("gpu"), agent)).isFalse();
		assertThat(this.eligibility.takesWork(agent)).isTrue();
	}

	@Test
	void taskWithoutCapabilitiesFitsAnyAgent() {
		assertThat(this.eligibility.eligible(aTask(), anAgent("a1").build())).isTrue();
	}

	@ParameterizedTest
	@EnumSource(value = AgentStatus.class, names = { "PAUSED", "DRAINING", "MAINTENANCE", "ERROR", "OFFLINE" })
	void agentInAStatusThatTakesNoNewWorkIsRefused(AgentStatus status) {
		Contender agent = anAgent("a1").in(status).build();

		Verdict verdict = this.eligibility.verdict(aTask(), agent);

		assertThat(verdict.refusal().code()).isEqualTo("agent_unavailable");
		assertThat(verdict.reason()).isEqualTo("agent 'a1' is " + status.wireName() + " and takes no new work");
		assertThat(this.eligibility.takesWork(agent)).isFalse();
	}

	@ParameterizedTest
	@EnumSource(value = AgentStatus.class, names = { "ACTIVE", "IDLE", "BUSY" })
	void agentInAStatusThatTakesWorkIsAdmitted(AgentStatus status) {
		assertThat(this.eligibility.eligible(aTask(), anAgent("a1").in(status).build())).isTrue();
	}

	@Test
	void agentWhoseConnectionIsShuttingDownIsRefused() {
		Contender agent = anAgent("a1").closing().build();

		Verdict verdict = this.eligibility.verdict(aTask(), agent);

		assertThat(verdict.refusal().code()).isEqualTo("agent_unavailable");
		assertThat(verdict.reason()).isEqualTo("agent 'a1' is shutting down and takes no new work");
		assertThat(this.eligibility.takesWork(agent)).isFalse();
	}

	@Test
	void agentWithoutAFreeSlotIsRefusedWithItsLoad() {
		Contender agent = anAgent("a1").holding(4, 4).build();

		Verdict verdict = this.eligibility.verdict(aTask(), agent);

		assertThat(verdict.refusal().code()).isEqualTo("agent_full");
		assertThat(verdict.reason()).isEqualTo("agent 'a1' has no free slot (4/4)");
		assertThat(this.eligibility.takesWork(agent)).isFalse();
	}

	@Test
	void firstRefusingRuleGivesTheReason() {
		Contender everythingWrong = anAgent("a1").in(AgentStatus.PAUSED).holding(1, 1).build();
		Contender pausedAndFull = anAgent("a2").withCapabilities("x").in(AgentStatus.PAUSED).holding(1, 1).build();

		assertThat(this.eligibility.verdict(aTask("x"), everythingWrong).refusal().code())
			.isEqualTo("capability_mismatch");
		assertThat(this.eligibility.verdict(aTask("x"), pausedAndFull).refusal().code()).isEqualTo("agent_unavailable");
	}

	@Test
	void policiesRunAfterTheBuiltInRules() {
		EligibilityRule noDocs = new EligibilityRule() {

			@Override
			public boolean admits(Task task, Contender agent) {
				return !agent.agent().capabilities().contains("docs");
			}

			@Override
			public Refusal refusal(Task task, Contender agent) {
				return new Refusal("policy_denied", "policy no-docs denies agent '" + agent.agent().id() + "'",
						Map.of());
			}

			@Override
			public String noneAdmits(Task task, List<? extends Contender> considered) {
				return "policy no-docs denies all " + considered.size() + " eligible agent(s)";
			}

		};
		Eligibility governed = new Eligibility(List.of(noDocs));
		Contender docs = anAgent("a1").withCapabilities("docs").build();

		assertThat(governed.verdict(aTask(), docs).reason()).isEqualTo("policy no-docs denies agent 'a1'");
		assertThat(governed.verdict(aTask("gpu"), docs).refusal().code()).isEqualTo("capability_mismatch");
		assertThat(governed.whyWaiting(aTask(), List.of(docs), NOW))
			.isEqualTo("policy no-docs denies all 1 eligible agent(s)");
		assertThat(this.eligibility.verdict(aTask(), docs).eligible()).isTrue();
	}

	@Test
	void agentEnrolledWithAKeyTakesOnlyTasksTheKeyCoversAndNoUncategorisedOnes() {
		Eligibility scoped = new Eligibility(List.of(new EnrollmentScopeRule(false)));
		// an operator gave it "deploy" later: the key's scope still binds it
		Contender enrolled = anAgent("e1").withCapabilities("build", "deploy").enrolledWithKeyFor("build").build();
		Contender registered = anAgent("r1").withCapabilities("build").build();

		assertThat(scoped.eligible(aTask("build"), enrolled)).isTrue();
		Verdict outside = scoped.verdict(aTask("deploy"), enrolled);
		assertThat(outside.refusal().code()).isEqualTo("enrollment_scope");
		assertThat(outside.reason())
			.isEqualTo("agent 'e1' enrolled with a key limited to [build], which does not cover [deploy]");
		Verdict uncategorised = scoped.verdict(aTask(), enrolled);
		assertThat(uncategorised.refusal().code()).isEqualTo("enrollment_scope");
		assertThat(uncategorised.reason()).contains("takes no task without required capabilities");
		assertThat(scoped.eligible(aTask(), registered)).isTrue();
		assertThat(scoped.whyWaiting(aTask(), List.of(enrolled), NOW)).contains("enrolled with a key");
		// a forced assignment skips capability, status and capacity, never the key's
		// scope
		assertThatExceptionOfType(ConflictException.class)
			.isThrownBy(() -> scoped.checkForcedAssignable(aTask("deploy"), enrolled.agent(), 0))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("enrollment_scope"));
		scoped.checkForcedAssignable(aTask("gpu"), registered.agent(), 5);
	}

	@Test
	void uncategorisedTasksReachEnrolledAgentsWhenTheSettingSaysAllAgents() {
		Eligibility open = new Eligibility(List.of(new EnrollmentScopeRule(true)));
		Contender enrolled = anAgent("e1").withCapabilities("build").enrolledWithKeyFor("build").build();

		assertThat(open.eligible(aTask(), enrolled)).isTrue();
		assertThat(open.eligible(aTask("deploy"), enrolled)).isFalse();
	}

	@Test
	void aQuarantinedAgentTakesNothingUntilHalfOpenThenOneProbeAtATime() {
		Eligibility guarded = new Eligibility(List.of(new QuarantineRule(Clock.fixed(NOW, ZoneOffset.UTC))));
		AgentQuarantine cooling = new AgentQuarantine(AgentQuarantine.Reason.ZOMBIE, "2 assignment(s) not accepted",
				"[]", NOW.minusSeconds(10), NOW.plusSeconds(50), 1, AgentQuarantine.SYSTEM);
		AgentQuarantine cooled = new AgentQuarantine(AgentQuarantine.Reason.ZOMBIE, "2 assignment(s) not accepted",
				"[]", NOW.minusSeconds(70), NOW.minusSeconds(10), 1, AgentQuarantine.SYSTEM);
		AgentQuarantine byHand = new AgentQuarantine(AgentQuarantine.Reason.MANUAL, "quarantined by ops: leak", "[]",
				NOW.minusSeconds(70), null, 0, "ops");
		Contender open = anAgent("q1").withCapabilities("build").holding(0, 4).quarantined(cooling).build();

		Verdict refused = guarded.verdict(aTask("build"), open);
		assertThat(refused.refusal().code()).isEqualTo("agent_quarantined");
		assertThat(refused.reason())
			.isEqualTo("agent 'q1' is in quarantine (2 assignment(s) not accepted) until " + NOW.plusSeconds(50));
		assertThat(guarded.takesWork(open)).isFalse();
		assertThat(guarded.whyWaiting(aTask("build"), List.of(open), NOW))
			.isEqualTo("all 1 eligible agent(s) are in quarantine (agent q1: 2 assignment(s) not accepted)");
		assertThat(guarded.eligible(aTask("build"),
				anAgent("q2").withCapabilities("build").holding(0, 4).quarantined(cooled).build()))
			.as("half-open and free: the probe")
			.isTrue();
		assertThat(guarded.eligible(aTask("build"),
				anAgent("q3").withCapabilities("build").holding(1, 4).quarantined(cooled).build()))
			.as("half-open with its probe running")
			.isFalse();
		assertThat(guarded.eligible(aTask("build"),
				anAgent("q4").withCapabilities("build").holding(0, 4).quarantined(byHand).build()))
			.as("held by hand: no probe")
			.isFalse();
		// an operator may still force a task on it
		guarded.checkForcedAssignable(aTask("build"), open.agent(), 0);
	}

	@Test
	void waitingTaskNamesItsRetryBackoffFirst() {
		Task backingOff = aTask(NOW.plusSeconds(30));

		assertThat(this.eligibility.whyWaiting(backingOff, List.of(anAgent("a1").build()), NOW))
			.isEqualTo("waiting for its retry backoff until " + NOW.plusSeconds(30));
		assertThat(this.eligibility.whyWaiting(aTask(NOW.minusSeconds(1)), List.of(anAgent("a1").build()), NOW))
			.isEqualTo("an eligible agent is free; dispatch is imminent");
	}

	@Test
	void waitingTaskNamesItsRunAtBeforeItsFirstAttempt() {
		assertThat(this.eligibility.whyWaiting(Contenders.aScheduledTask(NOW.plusSeconds(3600)),
				List.of(anAgent("a1").build()), NOW))
			.isEqualTo("scheduled to run at " + NOW.plusSeconds(3600) + " (run_at)");
		assertThat(this.eligibility.whyWaiting(Contenders.aScheduledTask(NOW), List.of(anAgent("a1").build()), NOW))
			.isEqualTo("an eligible agent is free; dispatch is imminent");
	}

	@Test
	void waitingTaskSaysWhenNoAgentIsConnected() {
		assertThat(this.eligibility.whyWaiting(aTask(), List.of(), NOW)).isEqualTo("no agent is connected");
	}

	@Test
	void waitingTaskNamesCapabilitiesNobodyOffers() {
		List<Contender> agents = List.of(anAgent("a1").withCapabilities("a").build(),
				anAgent("a2").withCapabilities("b").build());

		assertThat(this.eligibility.whyWaiting(aTask("a", "gpu"), agents, NOW))
			.isEqualTo("no connected agent has capability gpu");
		assertThat(this.eligibility.whyWaiting(aTask("a", "b"), agents, NOW))
			.isEqualTo("no connected agent has all of the capabilities [a, b]");
	}

	@Test
	void waitingTaskCountsCapableAgentsThatTakeNoWork() {
		List<Contender> agents = List.of(anAgent("a1").withCapabilities("x").in(AgentStatus.PAUSED).build(),
				anAgent("a2").withCapabilities("x").closing().build(), anAgent("a3").holding(0, 5).build());

		assertThat(this.eligibility.whyWaiting(aTask("x"), agents, NOW))
			.isEqualTo("all 2 capable agent(s) take no new work (paused, draining, shutting down or in maintenance)");
	}

	@Test
	void waitingTaskCountsFullAgents() {
		List<Contender> agents = List.of(anAgent("a1").withCapabilities("x").holding(2, 2).build(),
				anAgent("a2").withCapabilities("x").holding(1, 1).build(),
				anAgent("a3").withCapabilities("x").in(AgentStatus.PAUSED).build());

		assertThat(this.eligibility.whyWaiting(aTask("x"), agents, NOW)).isEqualTo("all 2 eligible agent(s) are full");
	}

	@Test
	void rankingPutsEligibleThenConnectedThenBestScoreFirst() {
		Contender best = anAgent("b").withPriorityScore(100).build();
		Contender good = anAgent("a").withPriorityScore(10).build();
		Contender offline = anAgent("c").withPriorityScore(500).offline().build();
		Contender full = anAgent("d").withPriorityScore(900).holding(1, 1).build();
		Contender lacking = anAgent("e").withPriorityScore(1000).build();
		Task task = aTask();
		Task needsX = aTask("x");

		List<String> order = this.eligibility.rank(task, List.of(full, offline, good, best))
			.stream()
			.map((ranked) -> ranked.contender().agent().id().value())
			.toList();

		assertThat(order).containsExactly("b", "a", "c", "d");
		assertThat(this.eligibility.rank(needsX, List.of(lacking)).get(0).verdict().refusal().code())
			.isEqualTo("capability_mismatch");
		assertThat(this.eligibility.rank(task, List.of(best)).get(0).score().value()).isEqualTo(180.0);
	}

	@Test
	void bestIsTheHighestScoreWithTiesToTheSmallerIdWhateverTheOrder() {
		Contender b = anAgent("b").build();
		Contender a = anAgent("a").build();
		Contender c = anAgent("c").withPriorityScore(-1).build();

		assertThat(this.eligibility.best(List.of(b, c, a))).containsSame(a);
		assertThat(this.eligibility.best(List.of(c, a, b))).containsSame(a);
		assertThat(this.eligibility.best(List.of(c))).containsSame(c);
		assertThat(this.eligibility.best(List.<Contender>of())).isEmpty();
	}

	@Test
	void explanationNamesTheAgentItsScoreTermsAndTheCandidates() {
		Contender agent = anAgent("my_agent").holding(1, 4).succeeding(0.5).withLatency(250).build();

		assertThat(this.eligibility.explain(agent, 3)).isEqualTo(
				"auto: agent my_agent scored 50.0 (priority_score 0, load 1/4, success 50%, latency 250 ms) among 3 eligible");
	}

	@Test
	void manualAssignmentIsRefusedWithTheRulesCodeAndAHint() {
		Task task = aTask("docs");

		assertThatExceptionOfType(ConflictException.class)
			.isThrownBy(() -> this.eligibility.checkAssignable(task, anAgent("a1").build().agent(), 0))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("capability_mismatch"))
			.withMessage("Agent 'a1' lacks required capabilities [docs]; pass \"force\": true to assign anyway");
		assertThatExceptionOfType(ConflictException.class)
			.isThrownBy(() -> this.eligibility.checkAssignable(task,
					anAgent("a1").withCapabilities("docs").holding(0, 2).build().agent(), 2))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("agent_full"))
			.withMessageContaining("no free slot (2/2)");
		assertThatExceptionOfType(ConflictException.class)
			.isThrownBy(() -> this.eligibility.checkAssignable(task,
					anAgent("a1").withCapabilities("docs").in(AgentStatus.DRAINING).build().agent(), 0))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("agent_unavailable"));
	}

	@Test
	void manualAssignmentToAnOfflineAgentWithRoomIsAllowed() {
		this.eligibility.checkAssignable(aTask("docs"),
				anAgent("a1").withCapabilities("docs").offline().holding(0, 2).build().agent(), 1);
	}

}
