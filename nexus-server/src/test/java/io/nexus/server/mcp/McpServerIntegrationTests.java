package io.nexus.server.mcp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nexus as an MCP server, driven over real HTTP with plain JSON-RPC as an MCP client
 * sends it: the tools and resources, the role rules of the REST API, the audit entry of
 * each call, and JSON-RPC errors (never a 5xx) for malformed messages.
 */
class McpServerIntegrationTests extends ApiIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String PASSWORD = "mcp-test-password-1";

	// made once: the server (and its database) is shared by the methods of this class
	private static String operatorKey;

	private static String viewerKey;

	private String operatorKey() {
		if (operatorKey == null) {
			operatorKey = key(user("mcp-bob", "operator"), "operator");
		}
		return operatorKey;
	}

	private String viewerKey() {
		if (viewerKey == null) {
			viewerKey = key(user("mcp-carol", "viewer"), "viewer");
		}
		return viewerKey;
	}

	@Test
	void listsItsToolsResourcesAndTemplates() {
		McpSession session = McpSession.open(this.port, viewerKey());
		JsonNode tools = session.request("tools/list", "{}").get("result").get("tools");
		List<String> names = new ArrayList<>();
		tools.forEach((tool) -> {
			names.add(tool.get("name").asString());
			assertThat(tool.get("inputSchema").get("type").asString()).isEqualTo("object");
		});
		assertThat(names).containsExactlyInAnyOrder("create_task", "get_task", "list_tasks", "cancel_task",
				"approve_task", "list_agents", "pause_agent", "resume_agent", "get_usage");
		assertThat(session.request("resources/list", "{}").toString()).contains("nexus://fleet");
		assertThat(session.request("resources/templates/list", "{}").toString()).contains("nexus://tasks/{id}")
			.contains("nexus://agents/{id}");
	}

	@Test
	void callsEachToolWithTheServicesOfTheRestApi() {
		this.api.post("/api/agents", "{\"id\":\"mcp-agent-1\",\"name\":\"MCP one\",\"capabilities\":[\"mcp-work\"]}");
		McpSession operator = McpSession.open(this.port, operatorKey());
		JsonNode created = operator.tool("create_task",
				"{\"title\":\"summarise logs\",\"category\":\"mcp-work\",\"payload\":{\"day\":\"monday\"}}");
		assertThat(created.get("isError").asBoolean()).as(created.toString()).isFalse();
		String taskId = created.get("structuredContent").get("task").get("id").asString();
		assertThat(created.get("structuredContent").get("created").asBoolean()).isTrue();
		assertThat(this.api.get("/api/tasks/" + taskId).field("created_by")).isEqualTo("mcp-bob");

		JsonNode read = operator.tool("get_task", "{\"id\":\"" + taskId + "\"}").get("structuredContent");
		assertThat(read.get("title").asString()).isEqualTo("summarise logs");
		assertThat(read.get("payload").get("day").asString()).isEqualTo("monday");
		JsonNode listed = operator.tool("list_tasks", "{\"category\":\"mcp-work\",\"limit\":5}")
			.get("structuredContent");
		assertThat(listed.get("items").toString()).contains(taskId);

		JsonNode agents = operator.tool("list_agents", "{\"capability\":\"mcp-work\"}").get("structuredContent");
		assertThat(agents.get("items").get(0).get("id").asString()).isEqualTo("mcp-agent-1");
		assertThat(operator.tool("pause_agent", "{\"id\":\"mcp-agent-1\"}")
			.get("structuredContent")
			.get("status")
			.asString()).isEqualTo("paused");
		assertThat(this.api.get("/api/agents/mcp-agent-1").field("status")).isEqualTo("paused");
		assertThat(operator.tool("resume_agent", "{\"id\":\"mcp-agent-1\"}")
			.get("structuredContent")
			.get("status")
			.asString()).isEqualTo("active");
		JsonNode usage = operator.tool("get_usage", "{\"group_by\":\"creator\",\"range\":\"7d\"}")
			.get("structuredContent");
		assertThat(usage.get("group_by").asString()).isEqualTo("creator");
		assertThat(usage.get("bucket").asString()).isEqualTo("hour");

		JsonNode resource = operator.request("resources/read", "{\"uri\":\"nexus://tasks/" + taskId + "\"}");
		assertThat(resource.get("result").get("contents").get(0).get("text").asString()).contains("summarise logs");
		assertThat(operator.request("resources/read", "{\"uri\":\"nexus://fleet\"}").toString()).contains("by_status");
		JsonNode missing = operator.request("resources/read", "{\"uri\":\"nexus://tasks/no-such-task\"}");
		assertThat(missing.get("error").get("code").asInt()).isEqualTo(-32002);

		JsonNode cancelled = operator.tool("cancel_task", "{\"id\":\"" + taskId + "\",\"reason\":\"not needed\"}");
		assertThat(cancelled.get("structuredContent").get("status").asString()).isEqualTo("cancelled");
		assertThat(this.api.get("/api/tasks/" + taskId).field("status")).isEqualTo("cancelled");

		// the task names the viewer as its approver: any role may then decide, as in REST
		String gated = operator
			.tool("create_task", "{\"title\":\"deploy\",\"approval\":{\"approvers\":{\"users\":[\"mcp-carol\"]}}}")
			.get("structuredContent")
			.get("task")
			.get("id")
			.asString();
		JsonNode own = operator.tool("approve_task", "{\"id\":\"" + gated + "\"}");
		assertThat(own.get("isError").asBoolean()).isTrue();
		JsonNode approved = McpSession.open(this.port, viewerKey()).tool("approve_task", "{\"id\":\"" + gated + "\"}");
		assertThat(approved.get("structuredContent").get("state").asString()).as(approved.toString())
			.isEqualTo("approved");
	}

	@Test
	void aViewerKeyCannotCancelATaskAndEveryCallIsAuditedWithItsClient() {
		String taskId = this.api.post("/api/tasks", "{\"title\":\"keep me\",\"category\":\"mcp-keep\"}").field("id");
		McpSession viewer = McpSession.open(this.port, viewerKey());
		JsonNode refused = viewer.tool("cancel_task", "{\"id\":\"" + taskId + "\"}");
		assertThat(refused.get("isError").asBoolean()).isTrue();
		assertThat(refused.get("structuredContent").get("type").asString()).isEqualTo("urn:nexus:problem:forbidden");
		assertThat(refused.get("structuredContent").get("status").asInt()).isEqualTo(403);
		assertThat(this.api.get("/api/tasks/" + taskId).field("status")).isNotEqualTo("cancelled");
		assertThat(viewer.tool("create_task", "{\"title\":\"nope\"}").get("isError").asBoolean()).isTrue();
		assertThat(viewer.tool("get_task", "{\"id\":\"" + taskId + "\"}").get("isError").asBoolean()).isFalse();

		String denied = Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.api.get("/api/audit?action=mcp.tool_called&outcome=denied").json().get("items"),
					(items) -> items.toString().contains("cancel_task"))
			.toString();
		assertThat(denied).contains("mcp-carol").contains("client=nexus-it/1.2.3").contains("key=");
		String allowed = this.api.get("/api/audit?action=mcp.tool_called&outcome=success").json().toString();
		assertThat(allowed).contains("get_task").contains("mcp-carol");
	}

	@Test
	void badArgumentsAreToolErrorsWithTheProblemOfTheRestApi() {
		McpSession operator = McpSession.open(this.port, operatorKey());
		assertProblem(operator.tool("create_task", "{\"title\":\"\"}"), "validation_failed", 400);
		assertThat(operator.tool("create_task", "{\"title\":\"\"}").get("structuredContent").get("errors").toString())
			.contains("title");
		assertProblem(operator.tool("create_task", "{\"title\":\"x\",\"colour\":\"red\"}"), "validation_failed", 400);
		assertProblem(operator.tool("create_task", "{\"title\":\"x\",\"max_attempts\":1000}"), "validation_failed",
				400);
		assertProblem(operator.tool("create_task", "{\"title\":\"x\",\"priority\":\"urgent\"}"), "validation_failed",
				400);
		assertProblem(operator.tool("get_task", "{\"id\":\"no-such-task\"}"), "task_not_found", 404);
		assertProblem(operator.tool("get_task", "{\"id\":\"bad id!\"}"), "invalid_task_id", 400);
		assertProblem(operator.tool("get_task", "{}"), "validation_failed", 400);
		assertProblem(operator.tool("list_tasks", "{\"status\":\"sleeping\"}"), "invalid_filter", 400);
		assertProblem(operator.tool("list_tasks", "{\"limit\":100000}"), "invalid_limit", 400);
		assertProblem(operator.tool("get_usage", "{\"range\":\"2y\"}"), "usage_range_invalid", 422);
		assertProblem(operator.tool("pause_agent", "{\"id\":\"no-such-agent\"}"), "agent_not_found", 404);
	}

	@Test
	void malformedMessagesGetJsonRpcErrorsAndNeverA5xx() {
		McpSession session = McpSession.open(this.port, operatorKey());
		assertRpcError(session.raw("{not json"), 400, -32700);
		assertRpcError(session.raw(""), 400, -32700);
		assertRpcError(session.raw("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]"), 400, -32600);
		assertRpcError(session.raw("42"), 400, -32600);
		assertRpcError(session.raw("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}"), 400, -32600);
		assertRpcError(session.raw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}"), 400, -32600);
		assertRpcError(session.raw("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}"), 400, -32600);
		assertRpcError(session.raw("{\"jsonrpc\":\"2.0\",\"id\":3}"), 400, -32600);
		assertRpcError(session.raw("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tasks/destroy\"}"), 200, -32601);
		assertRpcError(session.raw("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":[1]}"), 200,
				-32602);
		assertRpcError(session.raw("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{}}"), 200,
				-32602);
		assertRpcError(session.raw("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
				+ "\"params\":{\"name\":\"get_task\",\"arguments\":\"id\"}}"), 200, -32602);
		assertRpcError(session.raw("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"initialize\",\"params\":{}}"), 200,
				-32602);
		String huge = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\",\"params\":{\"x\":\"" + "a".repeat(600_000)
				+ "\"}}";
		assertRpcError(session.raw(huge), 413, -32600);
		assertRpcError(session.raw("{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"method\":\"ping\"}"),
				400, -32600);
		assertRpcError(session.raw("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\","
				+ "\"params\":{\"name\":\"get_task\",\"arguments\":{},\"_meta\":5}}"), 200, -32602);
		assertRpcError(session.raw("{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"initialize\",\"params\":{"
				+ "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"roots\":5},\"clientInfo\":{\"name\":\"x\"}}}"),
				200, -32602);
		assertRpcError(session.raw("{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/call\","
				+ "\"params\":{\"name\":\"no_such_tool\",\"arguments\":{}}}"), 200, -32602);
		// an answer to a request the server never sent: accepted and dropped
		assertThat(session.raw("{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":5}").statusCode()).isEqualTo(202);
		// the SDK's own refusals come as JSON-RPC errors too, with no exception inside
		HttpResponse<String> noSession = session.rawWithSession(null,
				"{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"ping\"}");
		assertRpcError(noSession, 400, -32600);
		HttpResponse<String> lost = session.rawWithSession("no-such-session",
				"{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"ping\"}");
		assertRpcError(lost, 404, -32001);
		assertThat(noSession.body() + lost.body()).doesNotContain("stackTrace").doesNotContain("Exception");
		// the session still works after all that
		assertThat(session.request("ping", "{}").has("result")).isTrue();

		Response anonymous = new ApiClient(this.port).withoutToken().post("/mcp", "{}");
		assertThat(anonymous.status()).isEqualTo(401);
		assertThat(anonymous.problemType()).isEqualTo("urn:nexus:problem:unauthorized");
	}

	private static void assertProblem(JsonNode result, String code, int status) {
		assertThat(result.get("isError").asBoolean()).as(result.toString()).isTrue();
		assertThat(result.get("structuredContent").get("type").asString()).as(result.toString())
			.isEqualTo("urn:nexus:problem:" + code);
		assertThat(result.get("structuredContent").get("status").asInt()).isEqualTo(status);
		assertThat(result.get("content").get(0).get("text").asString()).isNotBlank();
	}

	private static void assertRpcError(HttpResponse<String> response, int status, int code) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		JsonNode body = McpSession.message(response);
		assertThat(body.get("jsonrpc").asString()).isEqualTo("2.0");
		assertThat(body.get("error").get("code").asInt()).as(response.body()).isEqualTo(code);
	}

	private ApiClient user(String name, String role) {
		this.api.post("/api/users",
				"{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"" + role + "\"}");
		return new ApiClient(this.port).login(name, PASSWORD);
	}

	private static String key(ApiClient owner, String role) {
		Response created = owner.post("/api/api-keys", "{\"name\":\"mcp-" + role + "\",\"role\":\"" + role + "\"}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.field("key");
	}

	/**
	 * One MCP session over Streamable HTTP: initialize, then requests whose answers come
	 * as JSON or as a server-sent event.
	 */
	static final class McpSession {

		private final HttpClient http = HttpClient.newHttpClient();

		private final URI endpoint;

		private final String key;

		private String sessionId;

		private int nextId = 100;

		private McpSession(int port, String key) {
			this.endpoint = URI.create("http://localhost:" + port + "/mcp");
			this.key = key;
		}

		static McpSession open(int port, String key) {
			McpSession session = new McpSession(port, key);
			HttpResponse<String> init = session.raw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
					+ "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
					+ "\"clientInfo\":{\"name\":\"nexus-it\",\"version\":\"1.2.3\"}}}");
			assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
			session.sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
			assertThat(message(init).get("result").get("serverInfo").get("name").asString()).isEqualTo("nexus");
			HttpResponse<String> initialized = session
				.raw("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
			assertThat(initialized.statusCode()).isEqualTo(202);
			return session;
		}

		JsonNode request(String method, String params) {
			int id = this.nextId++;
			HttpResponse<String> response = raw(
					"{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			JsonNode message = message(response);
			assertThat(message.get("id").asInt()).isEqualTo(id);
			return message;
		}

		JsonNode tool(String name, String arguments) {
			JsonNode answer = request("tools/call", "{\"name\":\"" + name + "\",\"arguments\":" + arguments + "}");
			assertThat(answer.has("result")).as(answer.toString()).isTrue();
			return answer.get("result");
		}

		HttpResponse<String> raw(String body) {
			return rawWithSession(this.sessionId, body);
		}

		HttpResponse<String> rawWithSession(String sessionId, String body) {
			HttpRequest.Builder request = HttpRequest.newBuilder(this.endpoint)
				.timeout(Duration.ofSeconds(30))
				.header("Authorization", "Bearer " + this.key)
				.header("Content-Type", "application/json")
				.header("Accept", "application/json, text/event-stream")
				.POST(BodyPublishers.ofString(body));
			if (sessionId != null) {
				request.header("Mcp-Session-Id", sessionId);
			}
			try {
				return this.http.send(request.build(), BodyHandlers.ofString());
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

		private static JsonNode message(HttpResponse<String> response) {
			String body = response.body();
			if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
				StringBuilder data = new StringBuilder();
				body.lines()
					.filter((line) -> line.startsWith("data:"))
					.forEach((line) -> data.append(line.substring(5)));
				return JSON.readTree(data.toString().strip());
			}
			return JSON.readTree(body);
		}

	}

}
