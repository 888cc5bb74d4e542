package io.nexus.sdk.conformance;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.nexus.protocol.frames.UsageReport;
import io.nexus.sdk.NexusAgent;
import io.nexus.sdk.NexusAgentBuilder;
import io.nexus.sdk.NonRetryableTaskException;
import io.nexus.sdk.TaskContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Java SDK's agent for the conformance suite of every SDK ({@code sdk/conformance}):
 * what it does with a task is chosen by the task's payload, the same in every SDK's
 * conformance agent (see {@code sdk/conformance/README.md}), and it reports what its
 * handler saw as JSON lines on standard output. Run it with
 * {@code java -cp <sdk classes, test classes and
 * dependencies> io.nexus.sdk.conformance.ConformanceAgent}; configured by environment
 * variables: {@code NEXUS_WS} (comma-separated URIs), {@code AGENT_ID},
 * {@code AGENT_TOKEN} or {@code AGENT_ENROLLMENT_KEY}, {@code AGENT_CAPABILITY},
 * {@code MAX_CONCURRENCY}, {@code RECONNECT_BACKOFF_MS}.
 */
public final class ConformanceAgent {

	private static final String SDK = "java";

	private static final JsonMapper json = JsonMapper.builder().build();

	private ConformanceAgent() {
	}

	public static void main(String[] args) throws Exception {
		long backoffMs = Long.parseLong(System.getenv().getOrDefault("RECONNECT_BACKOFF_MS", "200"));
		NexusAgentBuilder builder = NexusAgent.builder()
			.serverUris(Arrays.stream(System.getenv("NEXUS_WS").split(",")).map(URI::create).toList())
			.agentId(System.getenv("AGENT_ID"))
			.capabilities(System.getenv("AGENT_CAPABILITY"))
			.maxConcurrency(Integer.parseInt(System.getenv().getOrDefault("MAX_CONCURRENCY", "1")))
			.reconnectBackoff(Duration.ofMillis(backoffMs), Duration.ofMillis(Math.max(1000, backoffMs)))
			.handler(ConformanceAgent::handle);
		String key = System.getenv("AGENT_ENROLLMENT_KEY");
		NexusAgent agent = (key != null) ? builder.enrollmentKey(key).build()
				: builder.token(System.getenv("AGENT_TOKEN")).build();
		// SIGTERM drains: the JVM runs the hook, which returns once the agent has drained
		Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
		agent.start();
		if (agent.awaitRegistered(Duration.ofSeconds(30))) {
			report("registered", Map.of("agent_id", agent.agentId(), "token_issued", agent.issuedToken().isPresent()));
		}
	}

	private static Object handle(TaskContext task) throws Exception {
		JsonNode payload = task.payload();
		report("started", lease(task));
		String action = payload.path("action").asString("echo");
		try {
			return switch (action) {
				case "echo" -> outcome(task, Map.of("echo", payload.path("data")));
				case "progress" -> {
					task.progress(42, "halfway there");
					awaitRelease(task, payload);
					yield outcome(task, Map.of());
				}
				case "wait" -> {
					awaitRelease(task, payload);
					yield outcome(task, Map.of());
				}
				case "fail" -> {
					if (payload.path("retryable").asBoolean(true)) {
						throw new IllegalStateException("network down");
					}
					throw new NonRetryableTaskException("bad input");
				}
				case "ask" -> {
					JsonNode schema = payload.path("schema");
					JsonNode answer = task.askHuman(payload.path("prompt").asString(),
							schema.isMissingNode() || schema.isNull() ? null : json.writeValueAsString(schema));
					yield outcome(task, Map.of("answer", answer));
				}
				case "usage" -> {
					for (JsonNode usage : payload.path("progress")) {
						task.reportUsage(usage(usage));
					}
					report("reported", lease(task));
					awaitRelease(task, payload);
					if (payload.path("final").isObject()) {
						task.reportUsage(usage(payload.path("final")));
					}
					report("finished", lease(task));
					yield outcome(task, Map.of());
				}
				default -> throw new NonRetryableTaskException("unknown action " + action);
			};
		}
		catch (InterruptedException ex) {
			if (task.isCancelled()) {
				report("cancelled", lease(task));
			}
			throw ex;
		}
	}

	/** Waits until the file named by the payload's {@code release} exists. */
	private static void awaitRelease(TaskContext task, JsonNode payload) throws InterruptedException {
		Path release = Path.of(payload.path("release").asString());
		while (!Files.exists(release)) {
			Thread.sleep(20);
		}
		report("released", lease(task));
	}

	private static UsageReport usage(JsonNode usage) {
		return new UsageReport(usage.hasNonNull("input_tokens") ? usage.get("input_tokens").asLong() : null,
				usage.hasNonNull("output_tokens") ? usage.get("output_tokens").asLong() : null,
				usage.hasNonNull("cost") ? usage.get("cost").decimalValue() : null,
				usage.hasNonNull("currency") ? usage.get("currency").asString() : null,
				usage.hasNonNull("model") ? usage.get("model").asString() : null);
	}

	private static Map<String, Object> outcome(TaskContext task, Map<String, Object> extra) {
		Map<String, Object> result = new LinkedHashMap<>(extra);
		result.put("sdk", SDK);
		result.put("epoch", task.leaseEpoch());
		result.put("attempt", task.attempt());
		return result;
	}

	private static Map<String, Object> lease(TaskContext task) {
		return Map.of("task_id", task.taskId(), "epoch", task.leaseEpoch());
	}

	private static synchronized void report(String event, Map<String, Object> fields) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("event", event);
		line.putAll(fields);
		System.out.println(json.writeValueAsString(line));
		System.out.flush();
	}

}
