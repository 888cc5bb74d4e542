package io.nexus.bench;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClosedLoopTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void parsesTheFlagsWithThePeersDefaults() {
		NexusBench bench = new NexusBench();
		new CommandLine(bench).parseArgs("--password", "x", "--closed-loop");
		ClosedLoopSettings settings = bench.closedLoopSettings();
		assertThat(bench.closedLoop).isTrue();
		assertThat(settings.warmupTasks()).isEqualTo(200);
		assertThat(settings.bulkTasks()).isEqualTo(20_000);
		assertThat(settings.chunk()).isEqualTo(100);
		assertThat(settings.singleTasks()).isEqualTo(5_000);
		assertThat(settings.phases()).containsExactly("bulk", "single");
		assertThat(settings.agents()).isEqualTo(4);
		assertThat(settings.concurrency()).isEqualTo(32);
	}

	@Test
	void takesOtherSizesAndPhases() {
		NexusBench bench = new NexusBench();
		new CommandLine(bench).parseArgs("--password", "x", "--closed-loop", "--bulk-tasks", "1050", "--phases", "bulk",
				"--phase-timeout", "90", "--history", "1000000", "--pg-url", "jdbc:postgresql://h/db");
		ClosedLoopSettings settings = bench.closedLoopSettings();
		assertThat(settings.phases()).containsExactly("bulk");
		assertThat(settings.phaseTimeout()).isEqualTo(Duration.ofSeconds(90));
		assertThat(bench.history).isEqualTo(1_000_000L);
		// 10 chunks of 100, then one of 50
		assertThat(settings.chunks(1050)).isEqualTo(11);
		assertThat(settings.chunkSize(1050, 0)).isEqualTo(100);
		assertThat(settings.chunkSize(1050, 10)).isEqualTo(50);
		assertThat(settings.chunks(1000)).isEqualTo(10);
	}

	@Test
	void refusesUnknownPhases() {
		NexusBench bench = new NexusBench();
		new CommandLine(bench).parseArgs("--password", "x", "--closed-loop", "--phases", "bulk,latency");
		assertThatIllegalArgumentException().isThrownBy(bench::closedLoopSettings).withMessageContaining("--phases");
	}

	@Test
	void waitsAsRetryAfterSays() {
		assertThat(ClosedLoopRun.retryAfterSeconds(Optional.of("2"))).isEqualTo(2.0);
		assertThat(ClosedLoopRun.retryAfterSeconds(Optional.of(" 0.5 "))).isEqualTo(0.5);
		assertThat(ClosedLoopRun.retryAfterSeconds(Optional.empty())).isEqualTo(0.1);
		assertThat(ClosedLoopRun.retryAfterSeconds(Optional.of("Wed, 21 Oct 2015 07:28:00 GMT"))).isEqualTo(0.1);
		assertThat(ClosedLoopRun.retryAfterSeconds(Optional.of("-3"))).isEqualTo(0.1);
	}

	@Test
	void phaseTaskCarriesPhaseSequenceAndAbout100BytesOfPayload() {
		JsonNode task = json.readTree(TaskBodies.phaseTask(3, 19_999, 123_456_789_012_345L));
		JsonNode payload = task.get("payload");
		assertThat(payload.get("ph").asInt()).isEqualTo(3);
		assertThat(TaskBodies.seq(payload)).isEqualTo(19_999);
		assertThat(TaskBodies.sentAtNanos(payload)).isEqualTo(123_456_789_012_345L);
		assertThat(task.get("category").asString()).isEqualTo(TaskBodies.CAPABILITY);
		assertThat(json.writeValueAsString(payload).length()).isBetween(90, 110);
	}

	@Test
	void countsEachTaskOfThePhaseOnceAndTheRestAsStraysOrDuplicates() throws Exception {
		PhaseTracker tracker = new PhaseTracker();
		PhaseTracker.Phase phase = tracker.arm(2, 3);
		long now = System.nanoTime();
		tracker.seen(payload(2, 0, now - 5_000_000), now);
		tracker.seen(payload(2, 0, now - 5_000_000), now + 1);
		tracker.seen(payload(1, 1, now), now);
		tracker.seen(payload(2, 7, now), now);
		tracker.seen(payload(2, 1, now - 1_000_000), now + 10);
		assertThat(phase.await(Duration.ofMillis(10))).isFalse();
		assertThat(phase.seenCount()).isEqualTo(2);
		tracker.seen(payload(2, 2, now - 2_000_000), now + 20);
		assertThat(phase.await(Duration.ofSeconds(1))).isTrue();
		assertThat(phase.duplicates()).isEqualTo(2);
		assertThat(tracker.strays()).isEqualTo(1);
		assertThat(phase.lastNanos()).isEqualTo(now + 20);
		LatencySummary latency = phase.createToAgent();
		assertThat(latency.count()).isEqualTo(3);
		assertThat(latency.max()).isBetween(4.9, 5.1);
	}

	@Test
	void openLoopGiveUpMustOutlastTheLoad() {
		NexusBench bench = new NexusBench();
		new CommandLine(bench).parseArgs("--password", "x", "--duration", "20", "--give-up-after", "20");
		assertThatIllegalArgumentException().isThrownBy(bench::loadSettings).withMessageContaining("--give-up-after");
		new CommandLine(bench).parseArgs("--password", "x", "--duration", "20", "--give-up-after", "60");
		assertThat(bench.loadSettings().giveUpNanos(1_000)).isEqualTo(1_000 + 60_000_000_000L);
		new CommandLine(bench).parseArgs("--password", "x", "--duration", "20");
		assertThat(bench.loadSettings().giveUpNanos(1_000)).isEqualTo(Long.MAX_VALUE);
	}

	private static JsonNode payload(int phase, long seq, long sentAt) {
		return json.readTree(TaskBodies.phaseTask(phase, seq, sentAt)).get("payload");
	}

}
