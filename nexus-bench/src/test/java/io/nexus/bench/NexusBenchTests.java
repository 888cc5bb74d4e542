package io.nexus.bench;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class NexusBenchTests {

	@Test
	void parsesALoadRun() {
		NexusBench bench = new NexusBench();
		new CommandLine(bench).parseArgs("--url", "http://localhost:4700", "--password", "x", "--rate", "5000",
				"--batch", "100", "--duration", "20", "--agents", "8", "--work-ms", "3");
		LoadSettings settings = bench.loadSettings();
		assertThat(bench.url.getPort()).isEqualTo(4700);
		assertThat(settings.requests()).isEqualTo(1_000);
		assertThat(settings.tasks()).isEqualTo(100_000);
		assertThat(settings.requestIntervalNanos()).isEqualTo(20_000_000.0);
		assertThat(settings.work()).isEqualTo(Duration.ofMillis(3));
		assertThat(settings.agents()).isEqualTo(8);
	}

	@Test
	void refusesABatchLargerThanTheServerAccepts() {
		NexusBench bench = new NexusBench();
		new CommandLine(bench).parseArgs("--password", "x", "--batch", "1001", "--rate", "5000");
		assertThatIllegalArgumentException().isThrownBy(bench::loadSettings).withMessageContaining("--batch");
	}

	@Test
	void idleRunWithJcmdNeedsThePid() {
		NexusBench bench = new NexusBench();
		new CommandLine(bench).parseArgs("--password", "x", "--idle-agents", "10", "--gc-via-jcmd");
		assertThatIllegalArgumentException().isThrownBy(bench::idleSettings).withMessageContaining("--server-pid");
	}

	@Test
	void soakSamplingIsOffUnlessAskedAndNeedsTheServerPid() throws Exception {
		NexusBench off = new NexusBench();
		new CommandLine(off).parseArgs("--password", "x", "--rate", "100");
		assertThat(off.soakSampler(ProcessHandle.current().pid())).isNull();
		NexusBench soak = new NexusBench();
		new CommandLine(soak).parseArgs("--password", "x", "--rate", "100", "--duration", "600",
				"--soak-sample-seconds", "30", "--soak-tolerance", "5");
		// this test's JVM stands in for the server
		assertThat(soak.soakSampler(ProcessHandle.current().pid())).isNotNull();
		assertThatExceptionOfType(CommandLine.ParameterException.class).isThrownBy(() -> soak.soakSampler(null))
			.withMessageContaining("--server-pid");
	}

	@Test
	void taskBodyCarriesSequenceAndIntendedTime() throws Exception {
		String body = TaskBodies.task(42, 123456789L);
		tools.jackson.databind.JsonNode payload = tools.jackson.databind.json.JsonMapper.builder()
			.build()
			.readTree(body)
			.get("payload");
		assertThat(TaskBodies.seq(payload)).isEqualTo(42);
		assertThat(TaskBodies.sentAtNanos(payload)).isEqualTo(123456789L);
	}

}
