package io.nexus.server.analytics;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code /api/analytics}: throughput, latency and success rates of real tasks run by a
 * real agent, the range's validation, and who may read them.
 */
// a context of its own: queued tasks that need no capability, left by other classes in a
// shared context, would fill its agents' slots
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class AnalyticsApiIntegrationTests extends ApiIntegrationTest {

	@Test
	void figuresCountTheTasksAnAgentFinished() {
		String capability = "analytics-" + Long.toHexString(System.nanoTime());
		Response agent = this.api.post("/api/agents",
				"{\"name\":\"analyst\",\"capabilities\":[\"" + capability + "\"],\"max_concurrency\":8}");
		String agentId = agent.field("id");
		Instant before = Instant.now().minusSeconds(1);
		try (RawAgent socket = RawAgent.register(this.port, agentId, agent.field("token"))) {
			for (String outcome : new String[] { "complete", "complete", "fail" }) {
				String task = this.api
					.post("/api/tasks",
							"{\"title\":\"" + outcome + "\",\"category\":\"" + capability
									+ "\",\"max_attempts\":1,\"priority\":\"critical\"}")
					.field("id");
				// the shared test context may hold queued tasks that need no capability,
				// which this agent may take too; only this test's tasks count
				JsonNode assigned = socket.next((frame) -> "task_assigned".equals(frame.path("type").asString())
						&& task.equals(frame.path("task_id").asString()), "the assignment of " + task);
				String lease = ",\"task_id\":\"" + task + "\",\"lease_epoch\":" + assigned.get("lease_epoch").asLong();
				socket.send("{\"type\":\"task_accept\",\"id\":\"a-" + task + "\"" + lease + "}");
				socket.next("ack");
				socket.send("{\"type\":\"task_" + outcome + "\",\"id\":\"f-" + task + "\"" + lease
						+ (outcome.equals("fail") ? ",\"error\":\"boom\"" : "") + "}");
				socket.next("ack");
			}
		}

		Response throughput = this.api.get("/api/analytics/throughput?range=1h&agent_id=" + agentId);
		assertThat(throughput.status()).as(throughput.body()).isEqualTo(200);
		JsonNode series = throughput.json();
		assertThat(series.get("completed").asLong()).isEqualTo(2);
		assertThat(series.get("failed").asLong()).isEqualTo(1);
		assertThat(series.get("bucket_seconds").asLong()).isEqualTo(60);
		assertThat(series.get("buckets").size()).isBetween(60, 61);
		long inBuckets = 0;
		for (JsonNode bucket : series.get("buckets")) {
			inBuckets += bucket.get("completed").asLong() + bucket.get("failed").asLong();
		}
		assertThat(inBuckets).isEqualTo(3);

		String window = "from=" + before.truncatedTo(ChronoUnit.SECONDS) + "&to="
				+ Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
		assertThat(this.api.get("/api/analytics/throughput?" + window + "&agent_id=" + agentId)
			.json()
			.get("completed")
			.asLong()).isEqualTo(2);
		String future = "from=" + Instant.now().plusSeconds(3600).truncatedTo(ChronoUnit.SECONDS) + "&to="
				+ Instant.now().plusSeconds(7200).truncatedTo(ChronoUnit.SECONDS);
		assertThat(this.api.get("/api/analytics/throughput?" + future + "&agent_id=" + agentId)
			.json()
			.get("completed")
			.asLong()).isZero();

		JsonNode rates = this.api.get("/api/analytics/success-rate?" + window).json();
		JsonNode byAgent = find(rates.get("by_agent"), "agent_id", agentId);
		assertThat(byAgent.get("completed").asLong()).isEqualTo(2);
		assertThat(byAgent.get("failed").asLong()).isEqualTo(1);
		assertThat(byAgent.get("success_rate").asDouble()).isCloseTo(2.0 / 3, within(1e-9));
		JsonNode byCapability = find(rates.get("by_capability"), "capability", capability);
		assertThat(byCapability.get("completed").asLong()).isEqualTo(2);
		assertThat(byCapability.get("failed").asLong()).isEqualTo(1);

		JsonNode latency = this.api.get("/api/analytics/latency?range=1h").json();
		assertThat(latency.get("dispatch").get("count").asLong()).isGreaterThanOrEqualTo(3);
		assertThat(latency.get("dispatch").get("p50_seconds").asDouble()).isGreaterThanOrEqualTo(0);
		assertThat(latency.get("run").get("count").asLong()).isGreaterThanOrEqualTo(3);
		assertThat(latency.get("run").has("p99_seconds")).isTrue();
	}

	@Test
	void badRangesAreRefusedWithAProblem() {
		for (String query : new String[] { "range=2w", "range=", "from=2026-12-01T00:00:00Z", "to=2026-12-01T00:00:00Z",
				"from=yesterday&to=2026-12-01T00:00:00Z", "from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
				"from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z",
				"range=1h&from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z" }) {
			for (String endpoint : new String[] { "throughput", "latency", "success-rate" }) {
				Response response = this.api.get("/api/analytics/" + endpoint + "?" + query);
				assertThat(response.status()).as(endpoint + "?" + query).isEqualTo(400);
				assertThat(response.contentType()).startsWith("application/problem+json");
				assertThat(response.problemType()).isEqualTo("urn:nexus:problem:invalid_range");
			}
		}
	}

	@Test
	void anySignedInUserMayReadThemAndTheyAreDocumented() {
		assertThat(this.api
			.post("/api/users",
					"{\"username\":\"analytics-viewer\",\"password\":\"viewer-password-1\",\"role\":\"viewer\"}")
			.status()).isEqualTo(201);
		ApiClient viewer = new ApiClient(this.port).login("analytics-viewer", "viewer-password-1");
		for (String endpoint : new String[] { "throughput", "latency", "success-rate" }) {
			assertThat(viewer.get("/api/analytics/" + endpoint + "?range=7d").status()).isEqualTo(200);
			assertThat(this.api.withoutToken().get("/api/analytics/" + endpoint).status()).isEqualTo(401);
		}
		JsonNode paths = this.api.get("/v3/api-docs").json().get("paths");
		assertThat(paths.has("/api/analytics/throughput")).isTrue();
		assertThat(paths.has("/api/analytics/latency")).isTrue();
		assertThat(paths.has("/api/analytics/success-rate")).isTrue();
	}

	private static JsonNode find(JsonNode items, String field, String value) {
		for (JsonNode item : items) {
			if (value.equals(item.get(field).asString())) {
				return item;
			}
		}
		throw new AssertionError("no entry with " + field + " " + value + " in " + items);
	}

}
