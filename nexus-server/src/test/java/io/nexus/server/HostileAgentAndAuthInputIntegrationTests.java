package io.nexus.server;

import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.HostileInputTest;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Hostile and malformed input to the agents, login and users APIs, malformed JSON and
 * content types on every endpoint that takes a body, and requests without the right to
 * make them: every one is refused with a 4xx problem and stores nothing.
 */
class HostileAgentAndAuthInputIntegrationTests extends HostileInputTest {

	private static final List<List<String>> ENDPOINTS = List.of(List.of("POST", "/api/tasks"),
			List.of("POST", "/api/tasks/batch"), List.of("PUT", "/api/tasks/{task}"),
			List.of("POST", "/api/tasks/{task}/assign"), List.of("POST", "/api/agents"),
			List.of("PUT", "/api/agents/{agent}"), List.of("POST", "/api/auth/login"), List.of("POST", "/api/users"));

	private static final List<String> MALFORMED = List.of("{\"title\": \"t\"", "{\"title\": \"t\"} garbage",
			"{\"title\": \"t\"}{\"title\": \"u\"}", "{\"title\": \"t\",}", "{'title': 't'}", "{title: \"t\"}",
			"\"a string\"", "\"\"", "42", "true", "", "   ", "null", "[]", "[{\"title\": \"t\"}]", "\u0000",
			"[".repeat(1_000), "[".repeat(100_000) + "]".repeat(100_000));

	@ParameterizedTest(name = "[{index}] {0} {1} <- {2}")
	@MethodSource
	void refusesMalformedJsonEverywhere(String method, String path, String body) {
		assertRejected(400, () -> send(method, path, body));
	}

	static Stream<Arguments> refusesMalformedJsonEverywhere() {
		return ENDPOINTS.stream()
			.flatMap((endpoint) -> MALFORMED.stream()
				.map((body) -> arguments(endpoint.get(0), endpoint.get(1),
						Named.of("'" + ((body.length() > 40) ? body.substring(0, 40) + "..." : body) + "'", body))));
	}

	@ParameterizedTest(name = "[{index}] {0} {1} as {2}")
	@MethodSource
	void refusesBodiesThatAreNotJson(String method, String path, String contentType) {
		assertRejected(415,
				() -> this.api.send(method, path.replace("{task}", this.task).replace("{agent}", this.agent),
						BodyPublishers.ofString("{\"title\": \"t\", \"name\": \"n\"}"), contentType));
	}

	static Stream<Arguments> refusesBodiesThatAreNotJson() {
		return ENDPOINTS.stream()
			.flatMap((endpoint) -> Stream.of("text/plain", "application/xml", "application/x-www-form-urlencoded")
				.map((type) -> arguments(endpoint.get(0), endpoint.get(1), type)));
	}

	@ParameterizedTest(name = "[{index}] {0}: {2} {3} -> {1}")
	@MethodSource({ "badAgents", "badAgentUpdates", "badLogins", "badUsers" })
	void refusesBadRequests(String why, int status, String method, String path, String body) {
		assertRejected(status, () -> send(method, path, body));
	}

	static Stream<Arguments> badAgents() {
		return Stream.of(agent("missing name", 400, "{}"), agent("blank name", 400, "{\"name\": \" \"}"),
				agent("name of 201 chars", 400, "{\"name\": \"" + "n".repeat(201) + "\"}"),
				agent("NUL in name", 400, "{\"name\": \"a\\u0000b\"}"),
				agent("escape sequence in name", 400, "{\"name\": \"\\u001b[2J\"}"),
				agent("number for name", 400, "{\"name\": 7}"), agent("list for name", 400, "{\"name\": [\"a\"]}"),
				agent("33 capabilities", 400, with("capabilities", names(33))),
				agent("capability with a space", 400, with("capabilities", "[\"bad name\"]")),
				agent("capability with a slash first", 400, with("capabilities", "[\"/etc\"]")),
				agent("null capability", 400, with("capabilities", "[null]")),
				agent("object for capabilities", 400, with("capabilities", "{\"a\": 1}")),
				agent("negative priority score", 400, with("priority_score", "-1")),
				agent("priority score 1001", 400, with("priority_score", "1001")),
				agent("priority score 1e20", 400, with("priority_score", "1e20")),
				agent("priority score 2^31", 400, with("priority_score", "2147483648")),
				agent("float for priority score", 400, with("priority_score", "1.5")),
				agent("string for priority score", 400, with("priority_score", "\"10\"")),
				agent("zero concurrency", 400, with("max_concurrency", "0")),
				agent("concurrency 1001", 400, with("max_concurrency", "1001")),
				agent("bad label key", 400, with("labels", "{\"bad key\": \"v\"}")),
				agent("label value of 257 chars", 400, with("labels", "{\"k\": \"" + "v".repeat(257) + "\"}")),
				agent("NUL in label value", 400, with("labels", "{\"k\": \"a\\u0000\"}")),
				agent("null label value", 400, with("labels", "{\"k\": null}")),
				agent("number for label value", 400, with("labels", "{\"k\": 1}")),
				agent("list for labels", 400, with("labels", "[\"k\"]")),
				agent("33 labels", 400,
						with("labels",
								IntStream.range(0, 33)
									.mapToObj((i) -> "\"k" + i + "\": \"v\"")
									.collect(Collectors.joining(",", "{", "}")))),
				agent("id with a path", 400, with("id", "\"../x\"")),
				agent("id of 65 chars", 400, with("id", "\"" + "a".repeat(65) + "\"")),
				agent("existing id", 409, with("id", "\"{agent}\"")),
				agent("status on create", 400, with("status", "\"active\"")),
				agent("unknown field", 400, with("token", "\"nxa_mine\"")));
	}

	static Stream<Arguments> badAgentUpdates() {
		return Stream.of(agentUpdate("unknown status", 400, "{\"status\": \"done\"}"),
				agentUpdate("empty name", 400, "{\"name\": \"\"}"),
				agentUpdate("NUL in name", 400, "{\"name\": \"\\u0000\"}"),
				agentUpdate("cpu over 100", 400, "{\"performance\": {\"cpu_usage\": 101}}"),
				agentUpdate("negative memory", 400, "{\"performance\": {\"memory_usage\": -1}}"),
				agentUpdate("string for cpu", 400, "{\"performance\": {\"cpu_usage\": \"45\"}}"),
				agentUpdate("list for performance", 400, "{\"performance\": [45]}"),
				agentUpdate("unknown performance field", 400, "{\"performance\": {\"disk_usage\": 5}}"),
				agentUpdate("33 capabilities", 400, "{\"capabilities\": " + names(33) + "}"),
				agentUpdate("bad capability", 400, "{\"capabilities\": [\"a b\"]}"),
				agentUpdate("priority score 1001", 400, "{\"priority_score\": 1001}"),
				agentUpdate("float for concurrency", 400, "{\"max_concurrency\": 2.5}"),
				agentUpdate("unknown field", 400, "{\"online\": true}"),
				arguments("unknown agent", 404, "PUT", "/api/agents/no-such-agent", "{\"status\": \"paused\"}"),
				arguments("id of 65 chars", 400, "PUT", "/api/agents/" + "a".repeat(65), "{\"status\": \"paused\"}"),
				arguments("delete unknown agent", 404, "DELETE", "/api/agents/no-such-agent", null),
				arguments("delete id of 65 chars", 400, "DELETE", "/api/agents/" + "a".repeat(65), null));
	}

	static Stream<Arguments> badLogins() {
		return Stream.of(login("no fields", 400, "{}"), login("no password", 400, "{\"username\": \"admin\"}"),
				login("blank password", 400, "{\"username\": \"admin\", \"password\": \" \"}"),
				login("wrong password", 401, "{\"username\": \"admin\", \"password\": \"wrong-password\"}"),
				login("unknown user", 401, "{\"username\": \"nobody\", \"password\": \"wrong-password\"}"),
				login("NUL in user name", 401, "{\"username\": \"ad\\u0000min\", \"password\": \"wrong-password\"}"),
				login("user name of 65 chars", 400, "{\"username\": \"" + "u".repeat(65) + "\", \"password\": \"p\"}"),
				login("password of 129 chars", 400,
						"{\"username\": \"admin\", \"password\": \"" + "p".repeat(129) + "\"}"),
				login("number for password", 400, "{\"username\": \"admin\", \"password\": 123456789012}"),
				login("unknown field", 400, "{\"username\": \"admin\", \"password\": \"x\", \"otp\": 1}"));
	}

	static Stream<Arguments> badUsers() {
		String password = "\"password\": \"long-enough-password\"";
		return Stream.of(user("no fields", 400, "{}"),
				user("unknown role", 400, "{\"username\": \"u1\", " + password + ", \"role\": \"superuser\"}"),
				user("no role", 400, "{\"username\": \"someone\", " + password + "}"),
				user("short password", 400,
						"{\"username\": \"someone\", \"password\": \"short\", \"role\": \"viewer\"}"),
				user("short user name", 400, "{\"username\": \"ab\", " + password + ", \"role\": \"viewer\"}"),
				user("NUL in user name", 400,
						"{\"username\": \"ab\\u0000cd\", " + password + ", \"role\": \"viewer\"}"),
				user("space in user name", 400, "{\"username\": \"a b c\", " + password + ", \"role\": \"viewer\"}"),
				user("existing user", 409, "{\"username\": \"admin\", " + password + ", \"role\": \"viewer\"}"),
				user("unknown field", 400,
						"{\"username\": \"someone\", " + password + ", \"role\": \"viewer\", \"x\": 1}"));
	}

	@ParameterizedTest(name = "[{index}] {0}")
	@ValueSource(strings = { "", "garbage", "Bearer", "Bearer ", "Bearer garbage", "Bearer a.b.c", "Basic YWRtaW46eA==",
			"Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsInJvbGVzIjpbImFkbWluIl19." })
	void refusesRequestsWithoutAValidToken(String authorization) {
		ApiClient anonymous = this.api.withoutToken();
		String[] header = authorization.isEmpty() ? new String[0] : new String[] { "Authorization", authorization };
		assertRejected(401, () -> anonymous.send("POST", "/api/tasks", BodyPublishers.ofString("{\"title\": \"t\"}"),
				"application/json", header));
		assertRejected(401, () -> anonymous.send("GET", "/api/tasks", BodyPublishers.noBody(), null, header));
		assertRejected(401,
				() -> anonymous.send("DELETE", "/api/agents/" + this.agent, BodyPublishers.noBody(), null, header));
	}

	@Test
	void refusesViewersEveryChange() {
		String name = "viewer-" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(this.api
			.post("/api/users",
					"{\"username\": \"" + name + "\", \"password\": \"viewer-password\", \"role\": \"viewer\"}")
			.status()).isEqualTo(201);
		ApiClient viewer = new ApiClient(this.port).login(name, "viewer-password");
		assertThat(viewer.get("/api/tasks").status()).isEqualTo(200);
		assertRejected(403, () -> viewer.post("/api/tasks", "{\"title\": \"t\"}"));
		assertRejected(403, () -> viewer.post("/api/tasks/batch", "{\"tasks\": [{\"title\": \"t\"}]}"));
		assertRejected(403, () -> viewer.put("/api/tasks/" + this.task, "{\"status\": \"cancelled\"}"));
		assertRejected(403, () -> viewer.post("/api/tasks/" + this.task + "/assign",
				"{\"agent_id\": \"" + this.agent + "\", \"force\": true}"));
		assertRejected(403, () -> viewer.post("/api/tasks/" + this.task + "/cancel", "{}"));
		assertRejected(403, () -> viewer.post("/api/agents", "{\"name\": \"n\"}"));
		assertRejected(403, () -> viewer.put("/api/agents/" + this.agent, "{\"status\": \"paused\"}"));
		assertRejected(403, () -> viewer.delete("/api/agents/" + this.agent));
		assertRejected(403, () -> viewer.post("/api/users",
				"{\"username\": \"sneaky\", \"password\": \"long-enough-password\", \"role\": \"admin\"}"));
		assertRejected(403, () -> viewer.get("/api/users"));
	}

	private static Arguments agent(String why, int status, String body) {
		return arguments(why, status, "POST", "/api/agents", body);
	}

	private static Arguments agentUpdate(String why, int status, String body) {
		return arguments(why, status, "PUT", "/api/agents/{agent}", body);
	}

	private static Arguments login(String why, int status, String body) {
		return arguments(why, status, "POST", "/api/auth/login", body);
	}

	private static Arguments user(String why, int status, String body) {
		return arguments(why, status, "POST", "/api/users", body);
	}

	private static String with(String field, String json) {
		return "{\"name\": \"n\", \"" + field + "\": " + json + "}";
	}

	private static String names(int count) {
		return IntStream.range(0, count).mapToObj((i) -> "\"c" + i + "\"").collect(Collectors.joining(",", "[", "]"));
	}

}
