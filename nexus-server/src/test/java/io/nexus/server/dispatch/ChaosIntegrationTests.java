package io.nexus.server.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.nexus.sdk.NexusAgent;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.SdkAgents;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A randomized property: whatever sequence of agent crashes, reconnections and
 * replacements happens (driven by a seed, so a failure can be replayed), every task ends
 * completed exactly once and none is lost.
 */
@TestPropertySource(properties = { "nexus.dispatch.ack-timeout=2s", "nexus.dispatch.reconnect-grace=500ms",
		"nexus.dispatch.reaper-interval=100ms", "nexus.tasks.retry-backoff=50ms",
		"nexus.tasks.max-retry-backoff=200ms" })
class ChaosIntegrationTests extends ApiIntegrationTest {

	private static final int TASKS = 40;

	private static final int AGENTS = 4;

	private static final int MIN_CRASHES = 8;

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 7, 1234, 987654321 })
	void noTaskIsLostOrCompletedTwiceWhenAgentsCrashAtRandom(long seed) throws Exception {
		Random random = new Random(seed);
		String capability = "chaos" + seed;
		Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
		List<String[]> credentials = new ArrayList<>();
		try (SdkAgents agents = new SdkAgents(this.port)) {
			List<NexusAgent> live = new ArrayList<>();
			for (int i = 0; i < AGENTS; i++) {
				credentials.add(register(capability + "-" + i, capability));
				live.add(startAgent(agents, credentials.get(i), capability, runs, random.nextLong()));
			}
			List<String> tasks = new ArrayList<>();
			for (int i = 0; i < TASKS; i++) {
				Response created = this.api.post("/api/tasks", "{\"title\":\"chaos " + i + "\",\"category\":\""
						+ capability + "\",\"max_attempts\":50,\"payload\":{\"i\":" + i + "}}");
				tasks.add(created.field("id"));
			}
			long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
			int crashes = 0;
			while ((crashes < MIN_CRASHES || !allFinished(tasks)) && System.nanoTime() < deadline) {
				crashes++;
				int victim = random.nextInt(AGENTS);
				await().pollDelay(Duration.ofMillis(100 + random.nextInt(300))).until(() -> true);
				live.get(victim).kill();
				if (random.nextBoolean()) {
					credentials.set(victim, register(capability + "-r" + random.nextInt(1_000_000), capability));
				}
				live.set(victim, startAgent(agents, credentials.get(victim), capability, runs, random.nextLong()));
			}
			assertThat(crashes).isGreaterThanOrEqualTo(MIN_CRASHES);
			await().atMost(Duration.ofSeconds(60)).until(() -> allFinished(tasks));
			for (String task : tasks) {
				Response read = this.api.get("/api/tasks/" + task);
				assertThat(read.field("status")).as(task).isEqualTo("completed");
				JsonNode events = this.api.get("/api/tasks/" + task + "/events").json();
				assertThat(events.findValuesAsString("to")).as(task).containsOnlyOnce("completed");
				assertThat(read.json().get("result").get("ran_on").asString()).as(task)
					.isEqualTo(read.field("assigned_agent_id"));
				assertThat(runs.get(task)).as(task).isNotNull();
			}
		}
	}

	private NexusAgent startAgent(SdkAgents agents, String[] credentials, String capability,
			Map<String, AtomicInteger> runs, long seed) {
		Random work = new Random(seed);
		return agents.start(agents.builder(credentials[0], credentials[1], (context) -> {
			runs.computeIfAbsent(context.taskId(), (key) -> new AtomicInteger()).incrementAndGet();
			long until = System.nanoTime() + Duration.ofMillis(50 + work.nextInt(250)).toNanos();
			while (System.nanoTime() < until) {
				context.throwIfCancelled();
				Thread.onSpinWait();
			}
			return Map.of("ran_on", credentials[0]);
		}, capability).maxConcurrency(3));
	}

	private boolean allFinished(List<String> tasks) {
		Response page = this.api.get("/api/tasks?status=completed&limit=500");
		long completed = page.json().get("items").findValuesAsString("id").stream().filter(tasks::contains).count();
		return completed == tasks.size();
	}

	private String[] register(String name, String capability) {
		Response response = this.api.post("/api/agents",
				"{\"name\":\"" + name + "\",\"capabilities\":[\"" + capability + "\"],\"max_concurrency\":3}");
		return new String[] { response.field("id"), response.field("token") };
	}

}
