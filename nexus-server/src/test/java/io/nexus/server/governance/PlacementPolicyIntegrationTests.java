package io.nexus.server.governance;

import java.util.ArrayList;
import java.util.List;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Placement policies through the API and real agents: refused conditions store nothing, a
 * deny policy keeps its tasks waiting and says so, a require policy routes tasks to the
 * agents that satisfy it, every version is kept, and the dry run tells what each policy
 * decides.
 */
// a context of its own: queued tasks without a category that other classes leave behind
// would fill these agents' slots and change the waiting reasons asserted here
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class PlacementPolicyIntegrationTests extends ApiIntegrationTest {

	private final List<String> created = new ArrayList<>();

	@AfterEach
	void deletePolicies() {
		this.created.forEach((id) -> this.api.delete("/api/policies/" + id));
	}

	@Test
	void hostilePolicyBodiesAreRefusedWith422AndStoreNothing() {
		long policies = rows("placement_policies");
		long versions = rows("placement_policy_versions");
		String[][] refused = { { "task.category ==", "policy_invalid", "column" },
				{ "task.colour == 'red'", "policy_invalid", "undeclared reference" },
				{ "agent.labels['zone'] == 'eu'", "policy_invalid", "undeclared reference" },
				{ "task.priority == 1", "policy_invalid", "no matching overload" },
				{ "task.category", "policy_invalid", "bool" },
				{ "task.category == '" + "x".repeat(2_000) + "'", "policy_too_long", "2000" },
				{ "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, true)))",
						"policy_too_costly", "500" } };
		for (String[] hostile : refused) {
			Response response = this.api.post("/api/policies", policy("hostile", hostile[0], "deny", null));
			assertThat(response.status()).as(hostile[0] + ": " + response.body()).isEqualTo(422);
			assertThat(response.problemType()).isEqualTo("urn:nexus:problem:" + hostile[1]);
			assertThat(response.body()).contains(hostile[2]);
		}
		Response noRequire = this.api.post("/api/policies", policy("hostile", "true", "require", null));
		assertThat(noRequire.status()).isEqualTo(422);
		Response wrongRequire = this.api.post("/api/policies",
				policy("hostile", "true", "require", "agent.labels == 'eu'"));
		assertThat(wrongRequire.status()).isEqualTo(422);
		assertThat(wrongRequire.json().get("errors").get(0).get("column").asInt()).isEqualTo(14);
		Response badName = this.api.post("/api/policies", policy("bad name!", "true", "deny", null));
		assertThat(badName.status()).isEqualTo(400);
		assertThat(rows("placement_policies")).isEqualTo(policies);
		assertThat(rows("placement_policy_versions")).isEqualTo(versions);
	}

	@Test
	void aDenyPolicyKeepsItsTasksWaitingWithTheReasonUntilDeleted() {
		String[] agent = registerAgent("pol-denied-agent", "pol-denied", "{}");
		String policy = create(
				policy("no-pol-denied", "task.category == 'pol-denied' && task.priority != 'low'", "deny", null));
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String task = createTask("{\"title\":\"denied\",\"category\":\"pol-denied\",\"priority\":\"high\"}");
			assertThat(this.api.get("/api/tasks/" + task).field("waiting_reason"))
				.isEqualTo("denied by placement policy 'no-pol-denied' (" + policy + "@1)");
			Response forced = this.api.post("/api/tasks/" + task + "/assign",
					"{\"agent_id\":\"" + agent[0] + "\",\"force\":true}");
			assertThat(forced.status()).as(forced.body()).isEqualTo(409);
			assertThat(forced.problemType()).isEqualTo("urn:nexus:problem:policy_denied");
			assertThat(forced.body()).contains(policy + "@1");

			String low = createTask("{\"title\":\"allowed\",\"category\":\"pol-denied\",\"priority\":\"low\"}");
			assertThat(assigned(socket, low).get("task_id").asString()).isEqualTo(low);

			assertThat(this.api.delete("/api/policies/" + policy).status()).isEqualTo(204);
			assertThat(assigned(socket, task).get("task_id").asString()).isEqualTo(task);
			String audit = this.api.get("/api/audit?action=policy.created").json().get("items").toString();
			assertThat(audit).contains(policy).contains("no-pol-denied");
			assertThat(this.api.get("/api/audit?action=policy.deleted").json().get("items").toString())
				.contains(policy);
		}
	}

	@Test
	void aRequirePolicyRoutesTasksOnlyToAgentsThatSatisfyIt() {
		String[] eu = registerAgent("pol-eu", "pol-zone", "{\"zone\":\"eu\"}");
		String[] us = registerAgent("pol-us", "pol-zone", "{\"zone\":\"us\"}");
		String[] bare = registerAgent("pol-bare", "pol-zone", "{}");
		// agent.labels.zone fails on an agent without the label: denied, fail closed
		String policy = create(
				policy("eu-only", "'pol-zone' in task.capabilities", "require", "agent.labels.zone == 'eu'"));
		try (RawAgent usSocket = RawAgent.register(this.port, us[0], us[1]);
				RawAgent bareSocket = RawAgent.register(this.port, bare[0], bare[1])) {
			String task = createTask("{\"title\":\"eu work\",\"category\":\"pol-zone\"}");
			assertThat(this.api.get("/api/tasks/" + task).field("waiting_reason"))
				.contains("no connected agent satisfies placement policy 'eu-only' (" + policy + "@1)");
			assertThat(this.api.get("/metrics").body()).contains("nexus_policy_evaluation_errors_total");
			try (RawAgent euSocket = RawAgent.register(this.port, eu[0], eu[1])) {
				JsonNode assigned = assigned(euSocket, task);
				assertThat(assigned.get("task_id").asString()).isEqualTo(task);
				assertThat(this.api.get("/api/tasks/" + task).field("assigned_agent_id")).isEqualTo(eu[0]);
				// the history names the policy version that applied
				assertThat(this.api.get("/api/tasks/" + task + "/events").body())
					.contains("placement policies applied: " + policy + "@1");
			}
		}
	}

	@Test
	void everyVersionIsKeptAndADeletedPolicyIsGone() {
		String policy = create(policy("versioned", "task.category == 'pol-v1'", "deny", null));
		Response updated = this.api.put("/api/policies/" + policy,
				policy("versioned", "task.category == 'pol-v2'", "deny", null));
		assertThat(updated.status()).as(updated.body()).isEqualTo(200);
		assertThat(updated.json().get("version").asLong()).isEqualTo(2);
		Response refused = this.api.put("/api/policies/" + policy, policy("versioned", "task.nope", "deny", null));
		assertThat(refused.status()).isEqualTo(422);
		assertThat(this.api.get("/api/policies/" + policy).json().get("match").asString())
			.isEqualTo("task.category == 'pol-v2'");
		assertThat(this.api.delete("/api/policies/" + policy).status()).isEqualTo(204);

		JsonNode versions = this.api.get("/api/policies/" + policy + "/versions").json().get("items");
		assertThat(versions).hasSize(3);
		assertThat(versions.get(0).get("change").asString()).isEqualTo("deleted");
		assertThat(versions.get(1).get("match").asString()).isEqualTo("task.category == 'pol-v2'");
		assertThat(versions.get(2).get("change").asString()).isEqualTo("created");
		assertThat(versions.get(2).get("match").asString()).isEqualTo("task.category == 'pol-v1'");
		assertThat(this.api.get("/api/policies/" + policy).status()).isEqualTo(404);
		assertThat(this.api.get("/api/policies").body()).doesNotContain(policy);
		assertThat(this.api.get("/api/policies/pol_missing/versions").status()).isEqualTo(404);
	}

	@Test
	void aDryRunTellsWhatEachPolicyDecides() {
		String[] agent = registerAgent("pol-dry", "pol-dry", "{\"tier\":\"gold\"}");
		String gold = create(
				policy("gold-only", "task.category == 'pol-dry'", "require", "agent.labels['tier'] == 'gold'"));
		String task = createTask("{\"title\":\"dry\",\"category\":\"pol-dry\"}");

		Response stored = this.api.post("/api/policies/dry-run",
				"{\"task_id\":\"" + task + "\",\"agent_id\":\"" + agent[0] + "\"}");
		assertThat(stored.status()).as(stored.body()).isEqualTo(200);
		assertThat(stored.field("verdict")).isEqualTo("admit");
		assertThat(outcome(stored, gold).get("decision").asString()).isEqualTo("admits");

		Response draft = this.api.post("/api/policies/dry-run", "{\"task\":{\"category\":\"pol-dry\"},\"agent_id\":\""
				+ agent[0] + "\",\"policy\":" + policy("draft-deny", "task.category == 'pol-dry'", "deny", null) + "}");
		assertThat(draft.status()).as(draft.body()).isEqualTo(200);
		assertThat(draft.field("verdict")).isEqualTo("deny");
		assertThat(draft.field("decided_by")).isEqualTo("draft@0");
		assertThat(outcome(draft, "draft").get("decision").asString()).isEqualTo("denies");
		assertThat(outcome(draft, gold).get("decision").asString()).isEqualTo("admits");

		Response other = this.api.post("/api/policies/dry-run",
				"{\"task\":{\"category\":\"elsewhere\"},\"agent_id\":\"" + agent[0] + "\"}");
		assertThat(outcome(other, gold).get("decision").asString()).isEqualTo("not_matched");
		assertThat(this.api.post("/api/policies/dry-run", "{\"agent_id\":\"" + agent[0] + "\"}").status())
			.isEqualTo(422);
		assertThat(this.api.post("/api/policies/dry-run", "{\"task_id\":\"" + task + "\",\"agent_id\":\"nobody\"}")
			.status()).isEqualTo(404);
	}

	private static JsonNode outcome(Response dryRun, String policy) {
		for (JsonNode outcome : dryRun.json().get("policies")) {
			if (outcome.get("policy_id").asString().equals(policy)) {
				return outcome;
			}
		}
		throw new AssertionError(policy + " not in " + dryRun.body());
	}

	private String create(String body) {
		Response response = this.api.post("/api/policies", body);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		assertThat(response.json().get("version").asLong()).isEqualTo(1);
		this.created.add(response.field("id"));
		return response.field("id");
	}

	private static String policy(String name, String match, String effect, String require) {
		return "{\"name\":\"" + name + "\",\"match\":\"" + match.replace("\"", "\\\"") + "\",\"effect\":\"" + effect
				+ "\"" + ((require != null) ? ",\"require\":\"" + require + "\"" : "") + "}";
	}

	private String[] registerAgent(String name, String capability, String labels) {
		Response response = this.api.post("/api/agents", "{\"name\":\"" + name + "\",\"capabilities\":[\"" + capability
				+ "\"],\"max_concurrency\":4,\"labels\":" + labels + "}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

	private String createTask(String json) {
		Response response = this.api.post("/api/tasks", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

	private static JsonNode assigned(RawAgent socket, String task) {
		return socket.next((frame) -> "task_assigned".equals(frame.path("type").asString())
				&& task.equals(frame.path("task_id").asString()), "task_assigned for " + task);
	}

}
