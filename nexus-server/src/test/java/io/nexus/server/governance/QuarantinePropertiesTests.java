package io.nexus.server.governance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.nexus.server.governance.QuarantineProperties.Override;
import io.nexus.server.governance.QuarantineProperties.RunningTasks;
import io.nexus.server.governance.QuarantineProperties.Thresholds;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thresholds by label: the first override whose label an agent carries wins, and what it
 * leaves out keeps the default.
 */
class QuarantinePropertiesTests {

	private final QuarantineProperties properties = new QuarantineProperties(true, 5, 0.5, 10, Duration.ofMinutes(10),
			3, 2, 5, Duration.ofMinutes(1), Duration.ofMinutes(30), RunningTasks.FINISH,
			List.of(new Override("pool=gpu", null, 10, 0.0, null, null, null, null),
					new Override("canary", false, null, null, null, null, null, null),
					new Override("pool", null, 7, null, null, null, null, null)));

	@Test
	void anAgentWithoutAMatchingLabelGetsTheDefaults() {
		assertThat(this.properties.thresholdsFor(Map.of("team", "web")))
			.isEqualTo(new Thresholds(true, 5, 0.5, 10, 3, 2, 5));
	}

	@Test
	void theFirstMatchingOverrideWinsAndKeepsTheRest() {
		assertThat(this.properties.thresholdsFor(Map.of("pool", "gpu", "canary", "yes")))
			.isEqualTo(new Thresholds(true, 10, 0.0, 10, 3, 2, 5));
		assertThat(this.properties.thresholdsFor(Map.of("pool", "cpu"))).as("a key alone matches any value")
			.isEqualTo(new Thresholds(true, 7, 0.5, 10, 3, 2, 5));
		assertThat(this.properties.thresholdsFor(Map.of("canary", "")).enabled()).isFalse();
	}

}
