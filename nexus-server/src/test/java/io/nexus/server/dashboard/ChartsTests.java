package io.nexus.server.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentSample;
import io.nexus.server.agents.AgentSamples;
import io.nexus.server.agents.SampleRange;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resource charts put each bucket of an agent's history at its place in the range.
 */
class ChartsTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void resourceChartHasOneSlotPerBucketWithGapsWhereNoSampleWas() {
		for (SampleRange range : SampleRange.values()) {
			long size = range.bucket().toSeconds();
			Instant end = Instant.ofEpochSecond((Instant.now().getEpochSecond() / size + 1) * size);
			Instant start = end.minus(range.length());
			AgentSamples.History history = new AgentSamples.History(new AgentId("chart"), range, start, end,
					Duration.ofSeconds(10), List.of(new AgentSample(start, 10.0, 20.0, 30.0, 40.0, 1, 1, 2),
							new AgentSample(end.minus(range.bucket()), 37.04, 37.04, 58.0, 58.0, 0, 0, 1)));
			JsonNode chart = this.json
				.readTree(new Charts(this.json).resource(history, AgentSample::cpuPercent, AgentSample::cpuPercentMax));
			JsonNode averages = chart.get("datasets").get(0).get("data");
			assertThat(chart.get("labels").size()).isEqualTo(SampleRange.BUCKETS);
			assertThat(averages.size()).isEqualTo(SampleRange.BUCKETS);
			assertThat(averages.get(0).asDouble()).isEqualTo(10.0);
			assertThat(averages.get(1).isNull()).isTrue();
			assertThat(averages.get(SampleRange.BUCKETS - 1).asDouble()).as(range.id()).isEqualTo(37.0);
			assertThat(chart.get("datasets").get(1).get("data").get(0).asDouble()).isEqualTo(20.0);
		}
	}

}
