package io.nexus.server.dispatch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static io.nexus.server.dispatch.Contenders.anAgent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The score: priority score, free capacity, success rate and the latency term.
 */
class ScoringTests {

	@Test
	void idleReliableAgentScoresItsPriorityPlusEighty() {
		assertThat(Scoring.value(anAgent("a").withPriorityScore(7).holding(0, 4).build())).isEqualTo(87.0);
	}

	@Test
	void freeCapacityAddsUpToFiftyInProportion() {
		assertThat(Scoring.value(anAgent("a").holding(1, 4).build())).isEqualTo(30 + 37.5);
		assertThat(Scoring.value(anAgent("a").holding(4, 4).build())).isEqualTo(30.0);
		assertThat(Scoring.value(anAgent("a").holding(6, 4).build())).isEqualTo(30.0);
	}

	@Test
	void successRateAddsUpToThirty() {
		assertThat(Scoring.value(anAgent("a").holding(1, 1).succeeding(0.5).build())).isEqualTo(15.0);
		assertThat(Scoring.value(anAgent("a").holding(1, 1).succeeding(0).build())).isEqualTo(0.0);
	}

	@Test
	void latencyCostsOnePointPerHundredMillisecondsUpToTen() {
		assertThat(Scoring.value(anAgent("a").withLatency(0).build())).isEqualTo(80.0);
		assertThat(Scoring.value(anAgent("a").withLatency(250).build())).isCloseTo(77.5, within(1e-9));
		assertThat(Scoring.value(anAgent("a").withLatency(1000).build())).isEqualTo(70.0);
		assertThat(Scoring.value(anAgent("a").withLatency(60_000).build())).isEqualTo(70.0);
	}

	@Test
	void latencyDecidesBetweenOtherwiseEqualAgents() {
		Contender slow = anAgent("a").withLatency(300).build();
		Contender fast = anAgent("b").withLatency(20).build();

		assertThat(new Eligibility(List.of()).best(List.of(slow, fast))).containsSame(fast);
	}

	@Test
	void zeroSlotsDoNotDivideByZero() {
		assertThat(Scoring.value(anAgent("a").holding(0, 0).build())).isEqualTo(30.0);
	}

	@Test
	void tiesGoToTheSmallerIdInAnyOrder() {
		List<Contender> agents = new ArrayList<>();
		for (String id : List.of("agent-3", "agent-1", "agent-10", "agent-2")) {
			agents.add(anAgent(id).withPriorityScore(5).holding(1, 2).build());
		}
		Random random = new Random(42);
		for (int i = 0; i < 20; i++) {
			Collections.shuffle(agents, random);
			assertThat(agents.stream().min(Scoring.BEST_FIRST).orElseThrow().agent().id().value()).isEqualTo("agent-1");
		}
	}

	@Test
	void scoreCarriesItsTerms() {
		Score score = Scoring
			.score(anAgent("a").withPriorityScore(3).holding(2, 5).succeeding(0.9).withLatency(40).build());

		assertThat(score.value()).isCloseTo(3 + 30 + 27 - 0.4, within(1e-9));
		assertThat(score.explanation())
			.isEqualTo("scored 59.6 (priority_score 3, load 2/5, success 90%, latency 40 ms)");
	}

}
