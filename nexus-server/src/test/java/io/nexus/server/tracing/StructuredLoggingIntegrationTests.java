package io.nexus.server.tracing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.SdkAgents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code NEXUS_LOG_FORMAT=ecs} every console line is an ECS JSON object, and the
 * lines about a task carry its id, its agent's id and the task's trace id.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = { "NEXUS_LOG_FORMAT=ecs", "logging.level.io.nexus.server.dispatch.Delivery=DEBUG" })
class StructuredLoggingIntegrationTests extends ApiIntegrationTest {

	private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final OtlpReceiver collector = start();

	private static OtlpReceiver start() {
		try {
			OtlpReceiver receiver = new OtlpReceiver();
			System.setProperty("NEXUS_OTLP_ENDPOINT", receiver.endpoint());
			return receiver;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@AfterAll
	static void stopCollector() {
		System.clearProperty("NEXUS_OTLP_ENDPOINT");
		collector.close();
	}

	@Test
	void writesEcsJsonLinesWithTaskAgentAndTraceIds(CapturedOutput output) {
		Response agent = this.api.post("/api/agents",
				"{\"name\":\"logged\",\"capabilities\":[\"logged\"],\"max_concurrency\":1}");
		String agentId = agent.field("id");
		try (SdkAgents agents = new SdkAgents(this.port)) {
			agents.start(agents.builder(agentId, agent.field("token"), (context) -> "done", "logged"));
			Response created = this.api.send("POST", "/api/tasks",
					BodyPublishers.ofString("{\"title\":\"log me\",\"category\":\"logged\"}"), "application/json",
					"traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01");
			String task = created.field("id");
			await().until(() -> "completed".equals(this.api.get("/api/tasks/" + task).field("status")));

			await().untilAsserted(() -> assertThat(jsonLines(output.getOut()))
				.anySatisfy((line) -> assertThat(line.path("task").path("id").asString()).isEqualTo(task)));
			List<JsonNode> lines = jsonLines(output.getOut());
			assertThat(lines).allSatisfy((line) -> {
				assertThat(line.path("@timestamp").isString()).isTrue();
				assertThat(line.path("log").path("level").isString()).isTrue();
				assertThat(line.has("message")).isTrue();
			});
			JsonNode taskLine = lines.stream()
				.filter((line) -> task.equals(line.path("task").path("id").asString()))
				.findFirst()
				.orElseThrow();
			assertThat(taskLine.path("message").asString()).contains(task);
			assertThat(taskLine.path("agent").path("id").asString()).isEqualTo(agentId);
			assertThat(taskLine.path("traceId").asString()).isEqualTo(TRACE_ID);
			assertThat(taskLine.path("spanId").asString()).matches("[0-9a-f]{16}");
			assertThat(taskLine.path("service").path("name").asString()).isEqualTo("nexus");
		}
	}

	/**
	 * The lines since the test started that are JSON objects; a test's own output may
	 * hold other text, but the application's lines must all be JSON.
	 */
	private static List<JsonNode> jsonLines(String out) {
		return out.lines().filter((line) -> line.startsWith("{")).map(json::readTree).toList();
	}

}
