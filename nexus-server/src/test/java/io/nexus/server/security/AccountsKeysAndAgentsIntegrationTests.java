package io.nexus.server.security;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;

import static io.nexus.server.security.SessionsAndAuditIntegrationTests.credentials;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * User management, API keys, agent principals and lockout, over real HTTP: including the
 * privilege escalations they must refuse.
 */
class AccountsKeysAndAgentsIntegrationTests extends ApiIntegrationTest {

	@Test
	void adminChangesRolesDisablesAndResetsPasswordsAndEachEndsSessions() {
		String id = user("alice", "alice-password-1", "viewer");
		ApiClient alice = new ApiClient(this.port).login("alice", "alice-password-1");
		assertThat(alice.post("/api/tasks", "{\"title\":\"t\"}").status()).isEqualTo(403);
		assertThat(alice.put("/api/users/" + id, "{\"role\":\"admin\"}").status()).isEqualTo(403);

		assertThat(this.api.put("/api/users/" + id, "{\"role\":\"operator\"}").field("role")).isEqualTo("operator");
		assertThat(alice.get("/api/tasks").status()).as("old token after a role change").isEqualTo(401);
		alice = new ApiClient(this.port).login("alice", "alice-password-1");
		assertThat(alice.post("/api/tasks", "{\"title\":\"t\"}").status()).isEqualTo(201);

		assertThat(this.api.put("/api/users/" + id, "{\"enabled\":false}").status()).isEqualTo(200);
		assertThat(alice.get("/api/tasks").status()).isEqualTo(401);
		assertThat(this.api.withoutToken().post("/api/auth/login", credentials("alice", "alice-password-1")).status())
			.isEqualTo(401);
		this.api.put("/api/users/" + id, "{\"enabled\":true}");

		assertThat(this.api.post("/api/users/" + id + "/password", "{\"password\":\"short\"}").status()).isEqualTo(400);
		assertThat(this.api.post("/api/users/" + id + "/password", "{\"password\":\"ALICE\"}").status()).isEqualTo(400);
		assertThat(this.api
			.post("/api/users",
					"{\"username\":\"bobbybobbybob\",\"password\":\"BobbyBobbyBob\"," + "\"role\":\"viewer\"}")
			.problemType()).isEqualTo("urn:nexus:problem:weak_password");
		// 30 characters of 3 bytes: within 128 characters, beyond the 72 bytes bcrypt
		// keeps
		assertThat(this.api.post("/api/users/" + id + "/password", "{\"password\":\"" + "鸏".repeat(30) + "\"}")
			.problemType()).isEqualTo("urn:nexus:problem:weak_password");
		assertThat(this.api.post("/api/users/" + id + "/password", "{\"password\":\"alice-new-password\"}").status())
			.isEqualTo(204);
		new ApiClient(this.port).login("alice", "alice-new-password");
		assertThat(this.api.get("/api/audit?target=alice").json().get("items").size()).isGreaterThanOrEqualTo(4);
	}

	@Test
	void theLastAdminCannotBeDemotedOrDisabled() {
		String adminId = this.api.get("/api/users")
			.json()
			.valueStream()
			.filter((user) -> user.get("username").asString().equals("admin"))
			.findFirst()
			.orElseThrow()
			.get("id")
			.asString();
		assertThat(this.api.put("/api/users/" + adminId, "{\"role\":\"viewer\"}").status()).isEqualTo(409);
		assertThat(this.api.put("/api/users/" + adminId, "{\"enabled\":false}").status()).isEqualTo(409);
		assertThat(this.api.put("/api/users/user_nope", "{\"enabled\":false}").status()).isEqualTo(404);
	}

	@Test
	void apiKeysAreCappedByTheirOwnersRoleAndCannotMintKeys() {
		String id = user("carol", "carol-password-1", "viewer");
		ApiClient carol = new ApiClient(this.port).login("carol", "carol-password-1");
		assertThat(carol.post("/api/api-keys", "{\"name\":\"ci\",\"role\":\"operator\"}").status()).isEqualTo(422);
		Response created = carol.post("/api/api-keys", "{\"name\":\"ci\",\"role\":\"viewer\"}");
		assertThat(created.status()).isEqualTo(201);
		String secret = created.field("key");
		assertThat(secret).startsWith("nxk_");
		assertThat(carol.get("/api/api-keys").body()).doesNotContain(secret);

		ApiClient key = this.api.withToken(secret);
		assertThat(key.get("/api/tasks").status()).isEqualTo(200);
		assertThat(key.post("/api/tasks", "{\"title\":\"t\"}").status()).isEqualTo(403);
		assertThat(key.post("/api/api-keys", "{\"name\":\"more\",\"role\":\"viewer\"}").status()).isEqualTo(403);
		assertThat(carol.get("/api/api-keys").json().get(0).get("last_used_at").isNull()).isFalse();

		String operatorKey = this.api.post("/api/api-keys", "{\"name\":\"ops\",\"role\":\"operator\"}").field("key");
		assertThat(this.api.withToken(operatorKey).post("/api/tasks", "{\"title\":\"t\"}").status()).isEqualTo(201);

		this.api.put("/api/users/" + id, "{\"enabled\":false}");
		assertThat(key.get("/api/tasks").status()).as("key of a disabled owner").isEqualTo(401);
		this.api.put("/api/users/" + id, "{\"enabled\":true}");
		assertThat(key.get("/api/tasks").status()).isEqualTo(200);
		String keyId = created.field("id");
		carol = new ApiClient(this.port).login("carol", "carol-password-1");
		assertThat(carol.delete("/api/api-keys/" + keyId).status()).isEqualTo(204);
		assertThat(key.get("/api/tasks").status()).isEqualTo(401);
		assertThat(this.api.get("/api/audit?action=api_key.").json().get("items").size()).isGreaterThanOrEqualTo(3);
	}

	@Test
	void agentsActOnlyOnThemselvesAndTasksLeasedToThem() {
		Response mine = this.api.post("/api/agents", "{\"name\":\"mine\",\"capabilities\":[\"sec\"]}");
		Response other = this.api.post("/api/agents", "{\"name\":\"other\",\"capabilities\":[\"sec\"]}");
		String self = mine.field("id");
		ApiClient agent = this.api.withToken(mine.field("token"));
		assertThat(agent.get("/api/agents/" + self).status()).isEqualTo(200);
		assertThat(agent.put("/api/agents/" + self, "{\"status\":\"paused\"}").status()).isEqualTo(200);
		assertThat(agent.put("/api/agents/" + self, "{\"capabilities\":[\"root\"]}").status()).isEqualTo(403);
		assertThat(agent.get("/api/agents/" + other.field("id")).status()).isEqualTo(403);
		assertThat(agent.put("/api/agents/" + other.field("id"), "{\"status\":\"paused\"}").status()).isEqualTo(403);
		assertThat(agent.get("/api/agents").status()).isEqualTo(403);
		assertThat(agent.get("/api/tasks").status()).isEqualTo(403);
		assertThat(agent.delete("/api/agents/" + self).status()).isEqualTo(403);
		assertThat(agent.post("/api/agents/" + self + "/rotate-token", "").status()).isEqualTo(403);
		this.api.put("/api/agents/" + self, "{\"status\":\"active\"}");

		String task = this.api.post("/api/tasks", "{\"title\":\"for other\",\"category\":\"sec\"}").field("id");
		assertThat(agent.get("/api/tasks/" + task).status()).isEqualTo(403);
		assertThat(agent.get("/api/tasks/task_does_not_exist").status()).isEqualTo(403);
		try (RawAgent socket = RawAgent.register(this.port, self, mine.field("token"))) {
			String leased = socket.next("task_assigned").get("task_id").asString();
			assertThat(agent.get("/api/tasks/" + leased).status()).isEqualTo(200);
		}
	}

	@Test
	void revokingOrRotatingAnAgentTokenDisconnectsItAtOnce() {
		Response registered = this.api.post("/api/agents", "{\"name\":\"revokee\",\"capabilities\":[\"r\"]}");
		String id = registered.field("id");
		try (RawAgent socket = RawAgent.register(this.port, id, registered.field("token"))) {
			assertThat(this.api.post("/api/agents/" + id + "/revoke", "").status()).isEqualTo(204);
			assertThat(socket.awaitClose()).isEqualTo(4403);
		}
		assertThat(this.api.withToken(registered.field("token")).get("/api/agents/" + id).status()).isEqualTo(401);
		Response rotated = this.api.post("/api/agents/" + id + "/rotate-token", "");
		assertThat(rotated.field("token")).startsWith("nxa_");
		try (RawAgent socket = RawAgent.register(this.port, id, rotated.field("token"))) {
			this.api.post("/api/agents/" + id + "/rotate-token", "");
			assertThat(socket.awaitClose()).isEqualTo(4403);
		}
		assertThat(this.api.get("/api/audit?target=" + id).json().get("items").size()).isEqualTo(4);
	}

	@Test
	void repeatedLoginFailuresLockTheUserOutWith429() {
		user("dave", "dave-password-12", "viewer");
		for (int i = 0; i < 5; i++) {
			assertThat(
					this.api.withoutToken().post("/api/auth/login", credentials("dave", "wrong-password-1")).status())
				.isEqualTo(401);
		}
		Response locked = this.api.withoutToken().post("/api/auth/login", credentials("dave", "dave-password-12"));
		assertThat(locked.status()).isEqualTo(429);
		assertThat(locked.problemType()).isEqualTo("urn:nexus:problem:login_locked");
		assertThat(Long.parseLong(locked.header("Retry-After"))).isPositive();
		assertThat(this.api.get("/api/audit?actor=dave&outcome=denied").json().get("items").size()).isEqualTo(1);
	}

	private String user(String name, String password, String role) {
		Response created = this.api.post("/api/users",
				"{\"username\":\"" + name + "\",\"password\":\"" + password + "\",\"role\":\"" + role + "\"}");
		assertThat(created.status()).as("%s", created).isEqualTo(201);
		return created.field("id");
	}

}
