package io.nexus.server.governance;

import java.time.Duration;
import java.time.Instant;

import io.nexus.server.agents.AgentQuarantine.Reason;
import io.nexus.server.dispatch.AgentSignal;
import io.nexus.server.governance.BreakerCounts.Trip;
import io.nexus.server.governance.QuarantineProperties.Thresholds;
import io.nexus.server.tasks.TaskId;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the breaker trips, signal by signal.
 */
class BreakerCountsTests {

	private static final Duration WINDOW = Duration.ofMinutes(10);

	private static final Thresholds DEFAULTS = new Thresholds(true, 5, 0.5, 10, 3, 2, 5);

	private final BreakerCounts counts = new BreakerCounts();

	private Instant now = Instant.parse("2026-12-04T12:00:00Z");

	private int tasks;

	@Test
	void failuresInARowTripItAndASuccessStartsTheCountAgain() {
		for (int i = 0; i < 4; i++) {
			assertThat(signal(AgentSignal.FAILED)).isNull();
		}
		assertThat(signal(AgentSignal.SUCCEEDED)).isNull();
		for (int i = 0; i < 4; i++) {
			assertThat(signal(AgentSignal.FAILED)).isNull();
		}
		Trip trip = signal(AgentSignal.FAILED);
		assertThat(trip).isNotNull();
		assertThat(trip.reason()).isEqualTo(Reason.CONSECUTIVE_FAILURES);
		assertThat(trip.detail()).isEqualTo("5 failed task(s) in a row");
		assertThat(trip.evidence()).as("the failures, not the success")
			.hasSize(9)
			.allSatisfy((seen) -> assertThat(seen.signal()).isEqualTo(AgentSignal.FAILED));
	}

	@Test
	void aHighShareOfFailuresTripsItOnceThereAreEnoughTasks() {
		Thresholds rateOnly = new Thresholds(true, 0, 0.5, 10, 0, 0, 0);
		// alternating: half fail, but only from the tenth task on does the share count
		for (int i = 0; i < 9; i++) {
			assertThat(signal((i % 2 == 0) ? AgentSignal.FAILED : AgentSignal.SUCCEEDED, rateOnly)).isNull();
		}
		Trip trip = signal(AgentSignal.SUCCEEDED, rateOnly);
		assertThat(trip).isNotNull();
		assertThat(trip.reason()).isEqualTo(Reason.FAILURE_RATE);
		assertThat(trip.detail()).isEqualTo("5 of the last 10 task(s) within 10 min failed (threshold 50%)");
	}

	@Test
	void outcomesOlderThanTheWindowDoNotCount() {
		Thresholds rateOnly = new Thresholds(true, 0, 0.5, 10, 0, 0, 0);
		for (int i = 0; i < 9; i++) {
			assertThat(signal(AgentSignal.FAILED, rateOnly)).isNull();
		}
		this.now = this.now.plus(WINDOW).plusSeconds(1);
		for (int i = 0; i < 9; i++) {
			assertThat(signal(AgentSignal.SUCCEEDED, rateOnly)).as("success %d", i).isNull();
		}
		assertThat(signal(AgentSignal.FAILED, rateOnly)).as("1 failure of 10 in the window").isNull();
	}

	@Test
	void timeoutsWithinTheWindowTripIt() {
		assertThat(signal(AgentSignal.TIMED_OUT)).isNull();
		this.now = this.now.plus(WINDOW).plusSeconds(1);
		assertThat(signal(AgentSignal.TIMED_OUT)).isNull();
		assertThat(signal(AgentSignal.TIMED_OUT)).as("the first has left the window").isNull();
		Trip trip = signal(AgentSignal.TIMED_OUT);
		assertThat(trip).isNotNull();
		assertThat(trip.reason()).isEqualTo(Reason.TIMEOUTS);
		assertThat(trip.detail()).isEqualTo("3 task(s) ran past their timeout within 10 min");
	}

	@Test
	void unacceptedAssignmentsInARowMakeAZombieAndAnAcceptStartsTheCountAgain() {
		assertThat(signal(AgentSignal.NOT_ACCEPTED)).isNull();
		assertThat(signal(AgentSignal.ACCEPTED)).isNull();
		assertThat(signal(AgentSignal.NOT_ACCEPTED)).isNull();
		Trip trip = signal(AgentSignal.NOT_ACCEPTED);
		assertThat(trip).isNotNull();
		assertThat(trip.reason()).isEqualTo(Reason.ZOMBIE);
		assertThat(trip.detail())
			.isEqualTo("2 assignment(s) in a row not accepted within 30s while it kept sending heartbeats");
		assertThat(trip.evidence()).extracting((seen) -> seen.signal())
			.containsExactly(AgentSignal.NOT_ACCEPTED, AgentSignal.NOT_ACCEPTED, AgentSignal.NOT_ACCEPTED);
	}

	@Test
	void staleReportsWithinTheWindowTripIt() {
		for (int i = 0; i < 4; i++) {
			assertThat(signal(AgentSignal.STALE_REPORT)).isNull();
		}
		Trip trip = signal(AgentSignal.STALE_REPORT);
		assertThat(trip).isNotNull();
		assertThat(trip.reason()).isEqualTo(Reason.STALE_REPORTS);
	}

	@Test
	void aThresholdOfZeroTurnsItsCheckOff() {
		Thresholds none = new Thresholds(true, 0, 0, 0, 0, 0, 0);
		for (int i = 0; i < 50; i++) {
			for (AgentSignal signal : AgentSignal.values()) {
				if (signal != AgentSignal.ACCEPTED && signal != AgentSignal.SUCCEEDED) {
					assertThat(signal(signal, none)).isNull();
				}
			}
		}
	}

	private @Nullable Trip signal(AgentSignal signal) {
		return signal(signal, DEFAULTS);
	}

	private @Nullable Trip signal(AgentSignal signal, Thresholds limits) {
		this.now = this.now.plusSeconds(1);
		return this.counts.record(signal, new TaskId("task_" + (this.tasks++)), this.now, limits, WINDOW,
				Duration.ofSeconds(30));
	}

}
