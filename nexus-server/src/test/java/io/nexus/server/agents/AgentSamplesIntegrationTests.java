package io.nexus.server.agents;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import io.nexus.server.support.SdkAgents;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Agents' resource history: heartbeats become samples at most once per agent per
 * interval, the API reads them in buckets over a range, old samples are pruned, and an
 * agent's samples go with it.
 */
class AgentSamplesIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private AgentSamples samples;

	@Autowired
	private JdbcTemplate jdbcTemplate;

	@Test
	void heartbeatsLeaveOneSamplePerAgentPerInterval() {
		String tokenA = register("samples-a");
		String tokenB = register("samples-b");
		try (RawAgent a = RawAgent.register(this.port, "samples-a", tokenA);
				RawAgent b = RawAgent.register(this.port, "samples-b", tokenB)) {
			a.send(heartbeat(11.5, 21.25));
			for (int i = 0; i < 3; i++) {
				a.send(heartbeat(55, 65));
			}
			a.send(heartbeat(77, 88));
			b.send(heartbeat(33, 44));
			// frames of one connection are handled in order: once the last heartbeat is
			// recorded, every earlier one has been offered as a sample
			await().atMost(Duration.ofSeconds(10)).until(() -> cpuOf("samples-a") == 77.0);
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				this.samples.flush();
				return sampleCount("samples-a") >= 1 && sampleCount("samples-b") >= 1;
			});
			this.samples.flush();
			assertThat(sampleCount("samples-a")).as("five heartbeats within the interval, one sample").isEqualTo(1);
			assertThat(sampleCount("samples-b")).as("each agent has its own interval").isEqualTo(1);
			assertThat(this.jdbc
				.sql("SELECT cpu_percent, memory_percent, active_tasks FROM agent_samples WHERE agent_id = 'samples-a'")
				.query((rs, rowNum) -> List.of(rs.getDouble(1), rs.getDouble(2), rs.getDouble(3)))
				.single()).containsExactly(11.5, 21.25, 0.0);
			assertThat(this.samples.offer(new AgentId("samples-a"), 1.0, 1.0, 0)).isFalse();
		}
	}

	@Test
	void sdkAgentHeartbeatsBecomeSamples() {
		String token = register("samples-sdk");
		try (SdkAgents agents = new SdkAgents(this.port)) {
			agents.start(agents.builder("samples-sdk", token, (task) -> null, "samples"));
			// the SDK sends its first heartbeat one heartbeat interval (10 s) after
			// registering
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				this.samples.flush();
				return sampleCount("samples-sdk") >= 1;
			});
		}
		Double memory = this.jdbc.sql("SELECT memory_percent FROM agent_samples WHERE agent_id = 'samples-sdk'")
			.query(Double.class)
			.list()
			.get(0);
		assertThat(memory).isBetween(0.0, 100.0);
		JsonNode metrics = this.api.get("/api/agents/samples-sdk/metrics").json();
		assertThat(metrics.get("points")).isNotEmpty();
		assertThat(metrics.get("points").get(0).get("memory_percent").asDouble()).isBetween(0.0, 100.0);
	}

	@Test
	void metricsAreBucketedOverTheRangeAskedFor() {
		register("samples-history");
		Instant now = Instant.now();
		List<Object[]> rows = new ArrayList<>();
		List<Instant> times = new ArrayList<>();
		// one sample a minute for a week and two hours, alternating 20 % and 40 % CPU
		for (int i = 0; i < 7 * 24 * 60 + 120; i++) {
			Instant at = now.minusSeconds(i * 60L + 5);
			times.add(at);
			rows.add(new Object[] { "samples-history", at.atOffset(ZoneOffset.UTC), (i % 2 == 0) ? 20.0 : 40.0, 50.0,
					i % 3 });
		}
		// far outside every range
		rows.add(new Object[] { "samples-history", now.minus(Duration.ofDays(8)).atOffset(ZoneOffset.UTC), 99.0, 99.0,
				9 });
		this.jdbcTemplate
			.batchUpdate("INSERT INTO agent_samples (agent_id, sampled_at, cpu_percent, memory_percent, active_tasks) "
					+ "VALUES (?, ?, ?, ?, ?)", rows);

		JsonNode week = this.api.get("/api/agents/samples-history/metrics?range=7d").json();
		assertThat(week.get("range").asString()).isEqualTo("7d");
		assertThat(week.get("bucket_seconds").asLong()).isEqualTo(Duration.ofDays(7).toSeconds() / 240);
		JsonNode points = week.get("points");
		assertThat(points.size()).isBetween(230, 240);
		Instant from = Instant.parse(week.get("from").asString());
		long inRange = times.stream().filter((at) -> !at.isBefore(from)).count();
		long summarized = 0;
		for (JsonNode point : points) {
			summarized += point.get("samples").asLong();
			assertThat(point.get("cpu_percent").asDouble()).isBetween(20.0, 40.0);
			assertThat(point.get("cpu_percent_max").asDouble()).isLessThanOrEqualTo(40.0);
			assertThat(point.get("memory_percent").asDouble()).isEqualTo(50.0);
			assertThat(point.get("active_tasks_max").asInt()).isLessThanOrEqualTo(2);
			assertThat(Instant.parse(point.get("at").asString())).isAfterOrEqualTo(from);
		}
		assertThat(summarized).as("every sample of the range, none older").isEqualTo(inRange);
		JsonNode full = points.get(points.size() / 2);
		assertThat(full.get("samples").asInt()).isBetween(41, 43);
		assertThat(full.get("cpu_percent").asDouble()).isBetween(29.0, 31.0);
		assertThat(full.get("cpu_percent_max").asDouble()).isEqualTo(40.0);

		JsonNode hour = this.api.get("/api/agents/samples-history/metrics").json();
		assertThat(hour.get("range").asString()).as("the default range").isEqualTo("1h");
		assertThat(hour.get("bucket_seconds").asLong()).isEqualTo(15);
		Instant hourFrom = Instant.parse(hour.get("from").asString());
		assertThat(hourFrom).isBetween(now.minus(Duration.ofMinutes(61)), now.minus(Duration.ofMinutes(59)));
		long lastHour = times.stream().filter((at) -> !at.isBefore(hourFrom)).count();
		assertThat(hour.get("points").size()).isEqualTo((int) lastHour);
		for (JsonNode point : hour.get("points")) {
			assertThat(point.get("samples").asInt()).isEqualTo(1);
			assertThat(point.get("cpu_percent").asDouble()).isIn(20.0, 40.0);
		}
		assertThat(this.api.get("/api/agents/samples-history/metrics?range=6h").json().get("points").size())
			.isBetween(240 - 1, 240);
		for (String range : List.of("1h", "6h", "24h", "7d")) {
			JsonNode metrics = this.api.get("/api/agents/samples-history/metrics?range=" + range).json();
			JsonNode last = metrics.get("points").get(metrics.get("points").size() - 1);
			Instant lastBucket = Instant.parse(metrics.get("to").asString())
				.minusSeconds(metrics.get("bucket_seconds").asLong());
			assertThat(Instant.parse(last.get("at").asString())).as("the newest sample, in the last bucket of " + range)
				.isIn(lastBucket, lastBucket.minusSeconds(metrics.get("bucket_seconds").asLong()));
		}
	}

	@Test
	void badRangesAndUnknownAgentsAreProblems() {
		register("samples-bad");
		ApiClient.Response bad = this.api.get("/api/agents/samples-bad/metrics?range=2d");
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.problemType()).isEqualTo("urn:nexus:problem:invalid_range");
		ApiClient.Response missing = this.api.get("/api/agents/samples-nobody/metrics");
		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.isProblem()).isTrue();
	}

	@Test
	void agentsReadOnlyTheirOwnMetrics() {
		String token = register("samples-self");
		register("samples-other");
		ApiClient agent = this.api.withToken(token);
		assertThat(agent.get("/api/agents/samples-self/metrics").status()).isEqualTo(200);
		assertThat(agent.get("/api/agents/samples-other/metrics").status()).isEqualTo(403);
		this.api.post("/api/users",
				"{\"username\":\"samples-viewer\",\"password\":\"viewer-password-1\"," + "\"role\":\"viewer\"}");
		ApiClient viewer = new ApiClient(this.port).login("samples-viewer", "viewer-password-1");
		assertThat(viewer.get("/api/agents/samples-other/metrics?range=24h").status()).isEqualTo(200);
		assertThat(this.api.withoutToken().get("/api/agents/samples-other/metrics").status()).isEqualTo(401);
	}

	@Test
	void samplesOlderThanTheRetentionArePruned() {
		register("samples-prune");
		Instant now = Instant.now();
		List<Object[]> rows = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			rows.add(new Object[] { "samples-prune",
					now.minus(Duration.ofDays(8)).plusSeconds(i).atOffset(ZoneOffset.UTC), 10.0, 10.0, 0 });
		}
		rows.add(new Object[] { "samples-prune", now.minus(Duration.ofDays(6)).atOffset(ZoneOffset.UTC), 10.0, 10.0,
				0 });
		rows.add(new Object[] { "samples-prune", now.minus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC), 10.0, 10.0,
				0 });
		this.jdbcTemplate
			.batchUpdate("INSERT INTO agent_samples (agent_id, sampled_at, cpu_percent, memory_percent, active_tasks) "
					+ "VALUES (?, ?, ?, ?, ?)", rows);
		assertThat(this.samples.prune()).isGreaterThanOrEqualTo(7);
		List<OffsetDateTime> left = this.jdbc
			.sql("SELECT sampled_at FROM agent_samples WHERE agent_id = 'samples-prune' ORDER BY sampled_at")
			.query(OffsetDateTime.class)
			.list();
		assertThat(left).hasSize(2);
		assertThat(left.get(0).toInstant()).isAfter(now.minus(Duration.ofDays(7)));
	}

	@Test
	void removingAnAgentRemovesItsSamples() {
		register("samples-gone");
		this.jdbcTemplate.update("INSERT INTO agent_samples (agent_id, sampled_at, cpu_percent, memory_percent, "
				+ "active_tasks) VALUES ('samples-gone', ?, 1, 1, 0)", Instant.now().atOffset(ZoneOffset.UTC));
		assertThat(this.samples.offer(new AgentId("samples-gone"), 2.0, 2.0, 0)).as("waiting to be written").isTrue();
		assertThat(this.api.delete("/api/agents/samples-gone").status()).isEqualTo(204);
		this.samples.flush();
		assertThat(sampleCount("samples-gone")).isZero();
	}

	private String register(String id) {
		return this.api.post("/api/agents", "{\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"capabilities\":[\"s\"]}")
			.field("token");
	}

	private static String heartbeat(double cpu, double memory) {
		return "{\"type\":\"heartbeat\",\"cpu_usage\":" + cpu + ",\"memory_usage\":" + memory + "}";
	}

	private double cpuOf(String agentId) {
		Double cpu = this.jdbc.sql("SELECT cpu_usage FROM agents WHERE id = :id")
			.param("id", agentId)
			.query(Double.class)
			.single();
		return (cpu != null) ? cpu : -1;
	}

	private long sampleCount(String agentId) {
		return this.jdbc.sql("SELECT COUNT(*) FROM agent_samples WHERE agent_id = :id")
			.param("id", agentId)
			.query(Long.class)
			.single();
	}

}
