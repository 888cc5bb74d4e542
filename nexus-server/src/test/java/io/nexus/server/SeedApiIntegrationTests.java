package io.nexus.server;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API examples of the seed document, exactly as written there (plus the login
 * header).
 */
class SeedApiIntegrationTests extends ApiIntegrationTest {

	@Test
	void seedExamplesWorkAsWritten() {
		Response agent = this.api.post("/api/agents", """
				{
				  "name": "My Agent",
				  "capabilities": ["automation", "frontend"],
				  "priority_score": 10
				}""");
		assertThat(agent.status()).isEqualTo(201);
		String agentId = agent.field("id");
		assertThat(agent.field("token")).startsWith("nxa_");
		assertThat(agent.json().get("priority_score").asInt()).isEqualTo(10);

		Response read = this.api.get("/api/agents/" + agentId);
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.field("name")).isEqualTo("My Agent");
		assertThat(read.json().has("token")).isFalse();

		Response updated = this.api.put("/api/agents/" + agentId, """
				{
				  "status": "active",
				  "performance": {
				    "cpu_usage": 45.2,
				    "memory_usage": 67.8
				  }
				}""");
		assertThat(updated.status()).isEqualTo(200);
		assertThat(updated.json().get("performance").get("cpu_usage").asDouble()).isEqualTo(45.2);
		assertThat(updated.json().get("performance").get("memory_usage").asDouble()).isEqualTo(67.8);

		Response task = this.api.post("/api/tasks", """
				{
				  "title": "Fix Authentication Bug",
				  "description": "Resolve login issues in frontend",
				  "priority": "high",
				  "category": "frontend",
				  "estimated_duration": 120
				}""");
		assertThat(task.status()).isEqualTo(201);
		assertThat(task.field("status")).isEqualTo("queued");
		String taskId = task.field("id");

		Response assigned = this.api.post("/api/tasks/" + taskId + "/assign", """
				{
				  "agent_id": "%s"
				}""".formatted(agentId));
		assertThat(assigned.status()).isEqualTo(200);
		assertThat(assigned.field("status")).isEqualTo("assigned");
		assertThat(assigned.field("assigned_agent_id")).isEqualTo(agentId);
		assertThat(assigned.json().get("lease_epoch").asLong()).isEqualTo(1);

		Response completed = this.api.put("/api/tasks/" + taskId, """
				{
				  "status": "completed",
				  "actual_duration": 95
				}""");
		assertThat(completed.status()).isEqualTo(200);
		assertThat(completed.field("status")).isEqualTo("completed");
		assertThat(completed.json().get("actual_duration").asInt()).isEqualTo(95);

		Response history = this.api.get("/api/tasks/" + taskId + "/events");
		assertThat(history.json().findValuesAsString("to")).containsExactly("queued", "assigned", "completed");
	}

	@Test
	void healthIsPublicAndStatusAndMetricsNeedALogin() {
		Response health = this.api.withoutToken().get("/health");
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.field("status")).isEqualTo("UP");
		assertThat(health.json().get("components").has("db")).isTrue();

		assertThat(this.api.withoutToken().get("/status").status()).isEqualTo(401);
		assertThat(this.api.withoutToken().get("/metrics").status()).isEqualTo(401);

		Response status = this.api.get("/status");
		assertThat(status.status()).isEqualTo(200);
		assertThat(status.json().has("version")).isTrue();
		assertThat(status.json().has("uptime_seconds")).isTrue();
		assertThat(status.json().has("node_id")).isTrue();
		assertThat(status.json().get("tasks").get("by_status").has("queued")).isTrue();

		Response metrics = this.api.get("/metrics");
		assertThat(metrics.status()).isEqualTo(200);
		assertThat(metrics.contentType()).startsWith("text/plain");
		assertThat(metrics.body()).contains("jvm_memory_used_bytes");
	}

	@Test
	void openApiDocumentDescribesTheApi() {
		Response docs = this.api.get("/v3/api-docs");
		assertThat(docs.status()).isEqualTo(200);
		assertThat(docs.json().get("paths").has("/api/tasks/{id}/assign")).isTrue();
		assertThat(docs.json().get("paths").has("/api/agents")).isTrue();
	}

}
