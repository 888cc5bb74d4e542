package io.nexus.server;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.HostileInputTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Hostile and malformed input to the tasks API: every request is refused with a 4xx
 * problem and stores nothing.
 */
class HostileTaskInputIntegrationTests extends HostileInputTest {

	private static final String LONG_ID = "a123456789b123456789c123456789d123456789e123456789f123456789g1234";

	@ParameterizedTest(name = "[{index}] {0}: {2} {3} -> {1}")
	@MethodSource({ "badTasks", "badBatches", "badUpdates", "badAssignments" })
	void refusesBadTaskRequests(String why, int status, String method, String path, String body) {
		assertRejected(status, () -> send(method, path, body));
	}

	static Stream<Arguments> badTasks() {
		return Stream.of(task("missing title", 400, "{}"), task("null title", 400, "{\"title\": null}"),
				task("blank title", 400, "{\"title\": \"  \\t \"}"), task("number for title", 400, "{\"title\": 123}"),
				task("boolean for title", 400, "{\"title\": true}"),
				task("list for title", 400, "{\"title\": [\"a\"]}"),
				task("object for title", 400, "{\"title\": {\"a\": 1}}"),
				task("title of 201 chars", 400, withTitle("x".repeat(201))),
				task("description of 10001 chars", 400,
						"{\"title\": \"t\", \"description\": \"" + "d".repeat(10_001) + "\"}"),
				task("NUL in title", 400, withTitle("a\\u0000b")), task("BEL in title", 400, withTitle("a\\u0007b")),
				task("ESC in title", 400, withTitle("\\u001b[31mred")),
				task("C1 control in title", 400, withTitle("a\\u0085b")),
				task("newline in title", 400, withTitle("a\\nb")),
				task("lone surrogate in title", 400, withTitle("a\\ud800b")),
				task("raw control char in JSON string", 400, "{\"title\": \"a\u0001b\"}"),
				task("NUL in description", 400, "{\"title\": \"t\", \"description\": \"a\\u0000b\"}"),
				task("unknown priority", 400, with("priority", "\"urgent\"")),
				task("upper-case priority", 400, with("priority", "\"HIGH\"")),
				task("number for priority", 400, with("priority", "3")),
				task("status on create", 400, with("status", "\"done\"")), task("unknown field", 400, with("foo", "1")),
				task("negative duration", 400, with("estimated_duration", "-1")),
				task("duration over a year", 400, with("estimated_duration", "525601")),
				task("duration 1e20", 400, with("estimated_duration", "1e20")),
				task("duration 2^31", 400, with("estimated_duration", "2147483648")),
				task("duration 2^63", 400, with("estimated_duration", "9223372036854775808")),
				task("float for duration", 400, with("estimated_duration", "1.5")),
				task("string for duration", 400, with("estimated_duration", "\"120\"")),
				task("word for duration", 400, with("estimated_duration", "\"abc\"")),
				task("boolean for duration", 400, with("estimated_duration", "true")),
				task("list for duration", 400, with("estimated_duration", "[1]")),
				task("zero attempts", 400, with("max_attempts", "0")),
				task("101 attempts", 400, with("max_attempts", "101")),
				task("zero timeout", 400, with("timeout_seconds", "0")),
				task("timeout over a week", 400, with("timeout_seconds", "604801")),
				task("33 capabilities", 400, with("required_capabilities", names("c", 33))),
				task("capability with a space", 400, with("required_capabilities", "[\"bad name\"]")),
				task("empty capability", 400, with("required_capabilities", "[\"\"]")),
				task("capability of 65 chars", 400, with("required_capabilities", "[\"" + "c".repeat(65) + "\"]")),
				task("null capability", 400, with("required_capabilities", "[null]")),
				task("number for capability", 400, with("required_capabilities", "[7]")),
				task("object for capabilities", 400, with("required_capabilities", "{\"a\": 1}")),
				task("string for capabilities", 400, with("required_capabilities", "\"frontend\"")),
				task("bad category", 400, with("category", "\"no spaces!\"")),
				task("101 dependencies", 400, with("dependencies", names("d", 101))),
				task("dependency with a path", 400, with("dependencies", "[\"../etc\"]")),
				task("null dependency", 400, with("dependencies", "[null]")),
				task("number for dependency", 400, with("dependencies", "[12]")),
				task("unknown dependency", 404, with("dependencies", "[\"no-such-task\"]")),
				task("self-dependency", 422, "{\"id\": \"self\", \"title\": \"t\", \"dependencies\": [\"self\"]}"),
				task("existing id", 409, "{\"id\": \"{task}\", \"title\": \"t\"}"),
				task("id with a path", 400, with("id", "\"../x\"")),
				task("id of 65 chars", 400, with("id", "\"" + LONG_ID + "\"")),
				task("empty id", 400, with("id", "\"\"")),
				task("empty idempotency key", 400, with("idempotency_key", "\"\"")),
				task("idempotency key of 201 chars", 400, with("idempotency_key", "\"" + "k".repeat(201) + "\"")),
				task("payload over 256 KiB", 400, with("payload", "\"" + "p".repeat(300 * 1024) + "\"")),
				task("payload nested 1000 deep", 400, with("payload", nested(1_000))),
				task("body nested 1000 deep", 400, nested(1_000)),
				task("body nested 100000 deep", 400, nested(100_000)));
	}

	static Stream<Arguments> badBatches() {
		String ok = "{\"title\": \"fine\"}";
		return Stream.of(batch("no tasks", 400, "{}"), batch("null tasks", 400, "{\"tasks\": null}"),
				batch("empty batch", 400, "{\"tasks\": []}"), batch("null item", 400, "{\"tasks\": [null]}"),
				batch("object for list", 400, "{\"tasks\": " + ok + "}"), batch("bare array", 400, "[" + ok + "]"),
				batch("1001 tasks", 400,
						"{\"tasks\": [" + String.join(",", java.util.Collections.nCopies(1_001, ok)) + "]}"),
				batch("one blank title", 400, "{\"tasks\": [" + ok + ", {\"title\": \"\"}]}"),
				batch("one unknown priority", 400,
						"{\"tasks\": [" + ok + ", {\"title\": \"t\", \"priority\": \"urgent\"}]}"),
				batch("one unknown field", 400, "{\"tasks\": [" + ok + ", {\"title\": \"t\", \"bogus\": 1}]}"),
				batch("one unknown dependency", 404,
						"{\"tasks\": [" + ok + ", {\"title\": \"t\", \"dependencies\": [\"ghost\"]}]}"),
				batch("one existing id", 409, "{\"tasks\": [" + ok + ", {\"id\": \"{task}\", \"title\": \"t\"}]}"),
				batch("duplicate ids", 422,
						"{\"tasks\": [{\"id\": \"dup\", \"title\": \"a\"}, {\"id\": \"dup\", \"title\": \"b\"}]}"),
				batch("self-dependency", 422,
						"{\"tasks\": [" + ok + ", {\"id\": \"me\", \"title\": \"t\", \"dependencies\": [\"me\"]}]}"),
				batch("two-task cycle", 422,
						"{\"tasks\": [{\"id\": \"a\", \"title\": \"a\", \"dependencies\": [\"b\"]},"
								+ " {\"id\": \"b\", \"title\": \"b\", \"dependencies\": [\"a\"]}]}"),
				batch("three-task cycle behind a good one", 422,
						"{\"tasks\": [" + ok + ", {\"id\": \"x\", \"title\": \"x\", \"dependencies\": [\"z\"]},"
								+ " {\"id\": \"y\", \"title\": \"y\", \"dependencies\": [\"x\"]},"
								+ " {\"id\": \"z\", \"title\": \"z\", \"dependencies\": [\"y\"]}]}"));
	}

	static Stream<Arguments> badUpdates() {
		return Stream.of(update("unknown status", 400, "{\"status\": \"done\"}"),
				update("in_progress by hand", 409, "{\"status\": \"in_progress\"}"),
				update("assigned by hand", 409, "{\"status\": \"assigned\"}"),
				update("pending by hand", 409, "{\"status\": \"pending\"}"),
				update("number for status", 400, "{\"status\": 1}"), update("empty title", 400, "{\"title\": \"\"}"),
				update("blank title", 400, "{\"title\": \"   \"}"),
				update("title of 201 chars", 400, "{\"title\": \"" + "x".repeat(201) + "\"}"),
				update("NUL in title", 400, "{\"title\": \"a\\u0000\"}"),
				update("negative actual duration", 400, "{\"actual_duration\": -1}"),
				update("actual duration 1e20", 400, "{\"actual_duration\": 1e20}"),
				update("actual duration 2^31", 400, "{\"actual_duration\": 2147483648}"),
				update("float for actual duration", 400, "{\"status\": \"completed\", \"actual_duration\": 9.5}"),
				update("string for estimate", 400, "{\"estimated_duration\": \"60\"}"),
				update("unknown priority", 400, "{\"priority\": \"urgent\"}"),
				update("unknown field", 400, "{\"owner\": \"me\"}"),
				update("reason of 501 chars", 400, "{\"status\": \"failed\", \"reason\": \"" + "r".repeat(501) + "\"}"),
				update("result over 256 KiB", 400,
						"{\"status\": \"completed\", \"result\": \"" + "r".repeat(300 * 1024) + "\"}"),
				arguments("unknown task", 404, "PUT", "/api/tasks/no-such-task", "{\"title\": \"t\"}"),
				arguments("id of 65 chars", 400, "PUT", "/api/tasks/" + LONG_ID, "{\"title\": \"t\"}"));
	}

	static Stream<Arguments> badAssignments() {
		return Stream.of(assign("no agent", 400, "{}"), assign("null agent", 400, "{\"agent_id\": null}"),
				assign("empty agent id", 400, "{\"agent_id\": \"\"}"),
				assign("agent id with a path", 400, "{\"agent_id\": \"../agents\"}"),
				assign("number for agent id", 400, "{\"agent_id\": 42}"),
				assign("string for force", 400, "{\"agent_id\": \"{agent}\", \"force\": \"yes\"}"),
				assign("number for force", 400, "{\"agent_id\": \"{agent}\", \"force\": 1}"),
				assign("unknown agent", 404, "{\"agent_id\": \"no-such-agent\"}"),
				assign("capability mismatch", 409, "{\"agent_id\": \"{agent}\"}"),
				assign("capability mismatch, force false", 409, "{\"agent_id\": \"{agent}\", \"force\": false}"),
				arguments("unknown task", 404, "POST", "/api/tasks/no-such-task/assign",
						"{\"agent_id\": \"{agent}\"}"));
	}

	@Test
	void forceAssignsDespiteACapabilityMismatch() {
		ownFixtures();
		Response forced = send("POST", "/api/tasks/{task}/assign", "{\"agent_id\": \"{agent}\", \"force\": true}");
		assertThat(forced.status()).isEqualTo(200);
		assertThat(forced.field("assigned_agent_id")).isEqualTo(this.agent);
		assertRejected(409,
				() -> send("POST", "/api/tasks/{task}/assign", "{\"agent_id\": \"{agent}\", \"force\": true}"));
	}

	@Test
	void finishedTasksRefuseEveryChange() {
		ownFixtures();
		assertThat(send("PUT", "/api/tasks/{task}", "{\"status\": \"completed\"}").status()).isEqualTo(200);
		String finished = send("GET", "/api/tasks/{task}", null).body();
		assertRejected(409, () -> send("PUT", "/api/tasks/{task}", "{\"status\": \"completed\"}"));
		assertRejected(409, () -> send("PUT", "/api/tasks/{task}", "{\"status\": \"failed\"}"));
		assertRejected(409, () -> send("PUT", "/api/tasks/{task}", "{\"title\": \"renamed\"}"));
		assertRejected(409, () -> send("PUT", "/api/tasks/{task}", "{\"actual_duration\": 5}"));
		assertRejected(409, () -> send("POST", "/api/tasks/{task}/assign", "{\"agent_id\": \"{agent}\"}"));
		assertRejected(409, () -> send("POST", "/api/tasks/{task}/cancel", null));
		assertRejected(409, () -> send("POST", "/api/tasks/{task}/retry", null));
		assertThat(send("GET", "/api/tasks/{task}", null).body()).isEqualTo(finished);
	}

	@Test
	void refusesDependenciesThatCanNeverComplete() {
		ownFixtures();
		assertThat(send("POST", "/api/tasks/{task}/cancel", null).status()).isEqualTo(200);
		assertRejected(422,
				() -> send("POST", "/api/tasks", "{\"title\": \"t\", \"dependencies\": [\"" + this.task + "\"]}"));
	}

	@Test
	void refusesAReusedIdempotencyKeyWithADifferentBody() {
		created(this.api.post("/api/tasks", "{\"title\": \"first\", \"idempotency_key\": \"hostile-key\"}"));
		assertRejected(409,
				() -> this.api.post("/api/tasks", "{\"title\": \"second\", \"idempotency_key\": \"hostile-key\"}"));
		assertRejected(409, () -> this.api.send("POST", "/api/tasks", BodyPublishers.ofString("{\"title\": \"third\"}"),
				"application/json", "Idempotency-Key", "hostile-key"));
		assertRejected(400, () -> this.api.send("POST", "/api/tasks", BodyPublishers.ofString("{\"title\": \"t\"}"),
				"application/json", "Idempotency-Key", "k".repeat(201)));
	}

	@Test
	void refusesBodiesOverOneMebibyte() {
		String huge = "{\"title\": \"t\", \"description\": \"" + "x".repeat(1_100_000) + "\"}";
		assertRejected(413, () -> this.api.post("/api/tasks", huge));
		assertRejected(413, () -> this.api.send("POST", "/api/tasks",
				BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge.getBytes())), "application/json"));
		assertRejected(413, () -> this.api.withoutToken().post("/api/tasks", huge));
	}

	@Test
	void refusesInvalidUtf8() {
		byte[] body = { '{', '"', 't', 'i', 't', 'l', 'e', '"', ':', '"', (byte) 0xc3, 0x28, '"', '}' };
		assertRejected(400,
				() -> this.api.send("POST", "/api/tasks", BodyPublishers.ofByteArray(body), "application/json"));
	}

	@ParameterizedTest(name = "[{index}] {0}")
	@ValueSource(strings = { "/api/tasks?limit=0", "/api/tasks?limit=501", "/api/tasks?limit=-1",
			"/api/tasks?limit=abc", "/api/tasks?limit=1.5", "/api/tasks?limit=99999999999", "/api/tasks?cursor=abc!",
			"/api/tasks?cursor=czp4", "/api/tasks?cursor=czo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ", "/api/tasks?status=done",
			"/api/tasks?priority=urgent", "/api/tasks?agent_id=..%2Fx", "/api/agents?limit=0", "/api/agents?limit=501",
			"/api/agents?limit=x", "/api/agents?cursor=%00", "/api/tasks?cursor=%FF", "/api/tasks?cursor=%C3%28%01",
			"/api/agents?status=%ED%A0%80", "/api/tasks?limit=%E2%82", "/api/agents?status=sleeping",
			"/api/agents?online=maybe", "/api/tasks/" + LONG_ID, "/api/tasks/" + LONG_ID + "/events",
			"/api/agents/" + LONG_ID, "/api/tasks/%00", "/api/tasks/..%2F..%2Fetc", "/api/tasks/%2e%2e",
			"/api/tasks/a%20b" })
	void refusesBadQueriesAndIds(String path) {
		assertRejected(400, () -> this.api.get(path));
	}

	@ParameterizedTest(name = "[{index}] {0}")
	@ValueSource(strings = { "/api/tasks/no-such-task", "/api/tasks/no-such-task/events", "/api/agents/no-such-agent",
			"/api/nothing-here" })
	void answersUnknownThingsWithNotFound(String path) {
		assertRejected(404, () -> this.api.get(path));
	}

	private static Arguments task(String why, int status, String body) {
		return arguments(why, status, "POST", "/api/tasks", body);
	}

	private static Arguments batch(String why, int status, String body) {
		return arguments(why, status, "POST", "/api/tasks/batch", body);
	}

	private static Arguments update(String why, int status, String body) {
		return arguments(why, status, "PUT", "/api/tasks/{task}", body);
	}

	private static Arguments assign(String why, int status, String body) {
		return arguments(why, status, "POST", "/api/tasks/{task}/assign", body);
	}

	private static String withTitle(String title) {
		return "{\"title\": \"" + title + "\"}";
	}

	private static String with(String field, String json) {
		return "{\"title\": \"t\", \"" + field + "\": " + json + "}";
	}

	private static String names(String prefix, int count) {
		return IntStream.range(0, count)
			.mapToObj((i) -> "\"" + prefix + i + "\"")
			.collect(Collectors.joining(",", "[", "]"));
	}

	private static String nested(int depth) {
		return "[".repeat(depth) + "]".repeat(depth);
	}

}
