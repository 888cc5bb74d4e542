package io.nexus.server.demo;

import java.time.Duration;

import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With demo mode on, simulated agents connect over real WebSockets and demo tasks flow
 * through to completion without anyone doing anything.
 */
@TestPropertySource(properties = { "nexus.demo.enabled=true", "nexus.demo.task-interval=200ms" })
class DemoModeIntegrationTests extends ApiIntegrationTest {

	@Test
	void simulatedAgentsConnectAndDemoTasksComplete() {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.api.get("/api/agents?online=true").json().get("items").size() == 4);
		assertThat(this.api.get("/api/agents/demo-agent-1").json().get("labels").get("demo").asString())
			.isEqualTo("true");
		await().atMost(Duration.ofSeconds(60))
			.until(() -> this.api.get("/api/tasks?status=completed").json().get("items").size() >= 2);
		assertThat(this.api.get("/api/tasks?status=completed").json().get("items").get(0).get("created_by").asString())
			.isEqualTo("demo");
	}

}
