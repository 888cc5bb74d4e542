package io.nexus.server.tracing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.nexus.protocol.Traceparent;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.SdkAgents;
import io.nexus.server.tracing.OtlpReceiver.ReceivedSpan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One task followed over OTLP from the REST call that creates it, through dispatch and an
 * SDK agent, to its completion: every span arrives at a collector inside the test, in the
 * caller's trace.
 */
@TestPropertySource(properties = { "management.opentelemetry.tracing.export.schedule-delay=100ms",
		"management.tracing.sampling.probability=1.0" })
class TracingIntegrationTests extends ApiIntegrationTest {

	private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	private static final String CALLER_SPAN = "00f067aa0ba902b7";

	private static final OtlpReceiver collector = start();

	private static OtlpReceiver start() {
		try {
			OtlpReceiver receiver = new OtlpReceiver();
			// read at start-up, before the test's context exists, as the variable would
			// be
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
	void oneTraceShowsCreateAssignAgentWorkAndComplete() {
		Response agent = this.api.post("/api/agents",
				"{\"name\":\"traced\",\"capabilities\":[\"traced\"],\"max_concurrency\":1}");
		AtomicReference<String> seen = new AtomicReference<>();
		AtomicReference<String> work = new AtomicReference<>();
		try (SdkAgents agents = new SdkAgents(this.port)) {
			agents.start(agents.builder(agent.field("id"), agent.field("token"), (context) -> {
				seen.set(context.traceparent());
				work.set(context.childTraceparent());
				return "done";
			}, "traced"));
			Response created = this.api.send("POST", "/api/tasks",
					BodyPublishers.ofString("{\"title\":\"follow me\",\"category\":\"traced\"}"), "application/json",
					"traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01");
			assertThat(created.status()).as(created.body()).isEqualTo(201);
			String task = created.field("id");
			await().until(() -> "completed".equals(this.api.get("/api/tasks/" + task).field("status")));

			await().untilAsserted(() -> assertThat(collector.spansOf(TRACE_ID)).extracting(ReceivedSpan::name)
				.contains("task.create", "task.assign", "task.run", "task.complete"));
			Map<String, ReceivedSpan> spans = collector.spansOf(TRACE_ID)
				.stream()
				.filter((span) -> span.name().startsWith("task."))
				.collect(Collectors.toMap(ReceivedSpan::name, Function.identity()));
			ReceivedSpan create = spans.get("task.create");
			ReceivedSpan assign = spans.get("task.assign");
			ReceivedSpan run = spans.get("task.run");
			ReceivedSpan complete = spans.get("task.complete");
			assertThat(List.of(create, assign, run, complete)).extracting(ReceivedSpan::taskId).containsOnly(task);

			// the server span of the REST call continues the caller's context
			assertThat(collector.spansOf(TRACE_ID))
				.anySatisfy((span) -> assertThat(span.parentSpanId()).isEqualTo(CALLER_SPAN));
			assertThat(this.jdbc.sql("SELECT traceparent FROM tasks WHERE id = :id")
				.param("id", task)
				.query(String.class)
				.single()).isEqualTo("00-" + TRACE_ID + "-" + create.spanId() + "-01");

			Traceparent received = Traceparent.parse(seen.get());
			Traceparent agentWork = Traceparent.parse(work.get());
			assertThat(received).isNotNull();
			assertThat(agentWork).isNotNull();
			assertThat(received.traceId()).isEqualTo(TRACE_ID);
			assertThat(received.spanId()).isEqualTo(assign.spanId());
			assertThat(agentWork.traceId()).isEqualTo(TRACE_ID);

			assertThat(assign.parentSpanId()).isEqualTo(create.spanId());
			assertThat(run.spanId()).isEqualTo(agentWork.spanId());
			assertThat(run.parentSpanId()).isEqualTo(assign.spanId());
			assertThat(complete.parentSpanId()).isEqualTo(run.spanId());
		}
	}

}
