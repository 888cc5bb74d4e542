package io.nexus.server.security;

import java.net.http.HttpRequest.BodyPublishers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operation of the OpenAPI document, called by every kind of caller, answers with
 * the status class that the rules below expect. The rules are the security model in
 * miniature: an endpoint added later is judged by the defaults (GET for readers, writes
 * for operators, nothing for agents), so it cannot escape unnoticed.
 */
class AuthorizationMatrixIntegrationTests extends ApiIntegrationTest {

	/** Open to anonymous callers. */
	private static final Set<String> PUBLIC = Set.of("POST /api/auth/login", "POST /api/auth/refresh");

	/**
	 * For any logged-in user (and API keys, which the controllers then refuse where
	 * noted).
	 */
	private static final List<String> SELF_SERVICE = List.of("/api/auth/", "/api/api-keys", "/api/users/me/");

	private static final List<String> ADMIN_ONLY = List.of("/api/users", "/api/enrollment-keys", "/api/audit",
			"/api/admin/", "/api/webhooks");

	/** Read by every role, changed by admins only. */
	private static final List<String> ADMIN_WRITES = List.of("/api/fleet/", "/api/policies", "/api/limits",
			"/api/budgets", "/api/fair-share/", "/api/schedules", "/api/a2a/agents");

	/**
	 * Writes open to every role: a dry run changes nothing; an approval decision is
	 * checked against the task's own approvers; notifications are marked read for the
	 * caller only.
	 */
	private static final Set<String> READER_WRITES = Set.of("POST /api/policies/dry-run",
			"POST /api/tasks/{id}/approve", "POST /api/tasks/{id}/reject", "POST /api/notifications/{id}/read",
			"POST /api/notifications/read-all");

	/** What an agent may do, with {id} its own id (tasks: only those leased to it). */
	private static final Set<String> AGENT_ALLOWED = Set.of("GET /api/agents/{id}", "PUT /api/agents/{id}",
			"GET /api/agents/{id}/metrics");

	enum Caller {

		ANONYMOUS, VIEWER, OPERATOR, ADMIN, AGENT

	}

	enum Expected {

		UNAUTHORIZED, FORBIDDEN, ALLOWED

	}

	@Test
	void everyOperationAnswersEveryCallerAsTheRulesSay() {
		this.api.post("/api/users",
				"{\"username\":\"mviewer\",\"password\":\"viewer-password-1\",\"role\":\"viewer\"}");
		this.api.post("/api/users",
				"{\"username\":\"moperator\",\"password\":\"operator-password-1\",\"role\":\"operator\"}");
		Response agent = this.api.post("/api/agents", "{\"name\":\"matrix\",\"capabilities\":[\"m\"]}");
		String agentId = agent.field("id");
		String agentToken = agent.field("token");

		JsonNode paths = this.api.get("/v3/api-docs").json().get("paths");
		List<String> failures = new ArrayList<>();
		int checked = 0;
		for (Map.Entry<String, JsonNode> path : paths.properties()) {
			if (!path.getKey().startsWith("/api/")) {
				continue;
			}
			for (String method : path.getValue().propertyNames()) {
				String verb = method.toUpperCase(Locale.ROOT);
				for (Caller caller : Caller.values()) {
					Expected expected = expected(verb, path.getKey(), caller);
					String concrete = path.getKey()
						.replaceAll("\\{[^}]+}", (caller == Caller.AGENT && path.getKey().startsWith("/api/agents/"))
								? agentId : "matrix_missing");
					ApiClient client = client(caller, agentToken);
					Response response = client.send(verb, concrete, BodyPublishers.ofString("{}"), "application/json");
					Expected actual = switch (response.status()) {
						case 401 -> Expected.UNAUTHORIZED;
						case 403 -> Expected.FORBIDDEN;
						default -> Expected.ALLOWED;
					};
					checked++;
					if (actual != expected) {
						failures.add(verb + " " + concrete + " as " + caller + ": expected " + expected + ", got "
								+ response.status());
					}
				}
			}
		}
		assertThat(checked).as("operations x callers").isGreaterThan(150);
		assertThat(failures).isEmpty();
	}

	static Expected expected(String method, String path, Caller caller) {
		String operation = method + " " + path;
		if (PUBLIC.contains(operation)) {
			return Expected.ALLOWED;
		}
		if (caller == Caller.ANONYMOUS) {
			return Expected.UNAUTHORIZED;
		}
		if (caller == Caller.AGENT) {
			return AGENT_ALLOWED.contains(operation) ? Expected.ALLOWED : Expected.FORBIDDEN;
		}
		if (SELF_SERVICE.stream().anyMatch(path::startsWith)) {
			return Expected.ALLOWED;
		}
		if (ADMIN_ONLY.stream().anyMatch(path::startsWith)) {
			return (caller == Caller.ADMIN) ? Expected.ALLOWED : Expected.FORBIDDEN;
		}
		if (method.equals("GET") || READER_WRITES.contains(operation)) {
			return Expected.ALLOWED;
		}
		if (ADMIN_WRITES.stream().anyMatch(path::startsWith)) {
			return (caller == Caller.ADMIN) ? Expected.ALLOWED : Expected.FORBIDDEN;
		}
		return (caller == Caller.VIEWER) ? Expected.FORBIDDEN : Expected.ALLOWED;
	}

	/**
	 * The A2A endpoint is one URL for reads and writes (hidden from the OpenAPI
	 * document): reads take any role, writes need operator or admin, as the REST API's
	 * tasks do.
	 */
	@Test
	void a2aMethodsAnswerEveryCallerAsTheRulesSay() {
		String viewer = this.api.post("/api/api-keys", "{\"name\":\"a2a-viewer\",\"role\":\"viewer\"}").field("key");
		String operator = this.api.post("/api/api-keys", "{\"name\":\"a2a-operator\",\"role\":\"operator\"}")
			.field("key");
		String agentToken = this.api.post("/api/agents", "{\"name\":\"a2a-matrix\",\"capabilities\":[\"m\"]}")
			.field("token");
		Map<String, ApiClient> callers = Map.of("anonymous", this.api.withoutToken(), "agent",
				this.api.withToken(agentToken), "viewer", this.api.withToken(viewer), "operator",
				this.api.withToken(operator), "admin", this.api);
		List<String> failures = new ArrayList<>();
		for (String method : List.of("SendMessage", "SendStreamingMessage", "CancelTask", "GetTask", "ListTasks",
				"SubscribeToTask", "CreateTaskPushNotificationConfig", "GetTaskPushNotificationConfig",
				"ListTaskPushNotificationConfigs", "DeleteTaskPushNotificationConfig")) {
			boolean write = Set
				.of("SendMessage", "SendStreamingMessage", "CancelTask", "CreateTaskPushNotificationConfig",
						"DeleteTaskPushNotificationConfig")
				.contains(method);
			callers.forEach((name, client) -> {
				int expected = switch (name) {
					case "anonymous" -> 401;
					case "agent" -> 403;
					case "viewer" -> write ? 403 : 200;
					default -> 200;
				};
				Response response = client.send("POST", "/api/a2a",
						BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method
								+ "\",\"params\":{\"id\":\"matrix_missing\"}}"),
						"application/json", "A2A-Version", "1.0");
				if (response.status() != expected) {
					failures.add(method + " as " + name + ": expected " + expected + ", got " + response.status());
				}
			});
		}
		assertThat(failures).isEmpty();
	}

	/**
	 * The A2A HTTP+JSON binding (hidden from the OpenAPI document) follows the API's
	 * defaults: reads (and subscribing, a POST) take any role, the other writes need
	 * operator or admin, agents and anonymous callers get nothing.
	 */
	@Test
	void a2aHttpJsonRoutesAnswerEveryCallerAsTheRulesSay() {
		String viewer = this.api.post("/api/api-keys", "{\"name\":\"rest-viewer\",\"role\":\"viewer\"}").field("key");
		String operator = this.api.post("/api/api-keys", "{\"name\":\"rest-operator\",\"role\":\"operator\"}")
			.field("key");
		String agentToken = this.api.post("/api/agents", "{\"name\":\"rest-matrix\",\"capabilities\":[\"m\"]}")
			.field("token");
		Map<String, ApiClient> callers = Map.of("anonymous", this.api.withoutToken(), "agent",
				this.api.withToken(agentToken), "viewer", this.api.withToken(viewer), "operator",
				this.api.withToken(operator), "admin", this.api);
		Map<String, Boolean> routes = Map.ofEntries(Map.entry("POST /message:send", true),
				Map.entry("POST /message:stream", true), Map.entry("GET /tasks/matrix_missing", false),
				Map.entry("GET /tasks", false), Map.entry("POST /tasks/matrix_missing:cancel", true),
				Map.entry("GET /tasks/matrix_missing:subscribe", false),
				Map.entry("POST /tasks/matrix_missing:subscribe", false),
				Map.entry("POST /tasks/matrix_missing/pushNotificationConfigs", true),
				Map.entry("GET /tasks/matrix_missing/pushNotificationConfigs", false),
				Map.entry("GET /tasks/matrix_missing/pushNotificationConfigs/c1", false),
				Map.entry("DELETE /tasks/matrix_missing/pushNotificationConfigs/c1", true),
				Map.entry("GET /extendedAgentCard", false));
		List<String> failures = new ArrayList<>();
		routes.forEach((route, write) -> callers.forEach((name, client) -> {
			Expected expected = switch (name) {
				case "anonymous" -> Expected.UNAUTHORIZED;
				case "agent" -> Expected.FORBIDDEN;
				case "viewer" -> write ? Expected.FORBIDDEN : Expected.ALLOWED;
				default -> Expected.ALLOWED;
			};
			String[] parts = route.split(" ");
			Response response = client.send(parts[0], "/api/a2a/v1" + parts[1], BodyPublishers.ofString("{}"),
					"application/json", "A2A-Version", "1.0");
			Expected actual = switch (response.status()) {
				case 401 -> Expected.UNAUTHORIZED;
				case 403 -> Expected.FORBIDDEN;
				default -> Expected.ALLOWED;
			};
			if (actual != expected || response.status() >= 500) {
				failures.add(route + " as " + name + ": expected " + expected + ", got " + response.status());
			}
		}));
		assertThat(failures).isEmpty();
	}

	/** A fresh login per call, so that logouts in the matrix do not end later calls. */
	private ApiClient client(Caller caller, String agentToken) {
		return switch (caller) {
			case ANONYMOUS -> this.api.withoutToken();
			case VIEWER -> new ApiClient(this.port).login("mviewer", "viewer-password-1");
			case OPERATOR -> new ApiClient(this.port).login("moperator", "operator-password-1");
			case ADMIN -> new ApiClient(this.port).login("admin", ADMIN_PASSWORD);
			case AGENT -> this.api.withToken(agentToken);
		};
	}

}
