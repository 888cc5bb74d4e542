package io.nexus.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for Nexus's HTTP side on a free port: {@code /health}, {@code /status},
 * {@code /metrics}, login and a few {@code /api} answers, with the token check of the
 * real one.
 */
final class FakeNexus implements AutoCloseable {

	static final String TOKEN = "tok-123";

	static final String PASSWORD = "secret-pass";

	private final HttpServer server;

	private final List<String> requests = new CopyOnWriteArrayList<>();

	private final Map<String, String> bodies = new ConcurrentHashMap<>();

	private final AtomicInteger taskPolls = new AtomicInteger();

	volatile int healthStatus = 200;

	volatile String healthBody = "{\"status\":\"UP\",\"components\":{\"db\":{\"status\":\"UP\"},\"ping\":{\"status\":\"UP\"}}}";

	volatile List<String> taskStates = List.of("queued");

	volatile int rotateStatus = 200;

	volatile boolean auditBroken;

	FakeNexus() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	List<String> requests() {
		return this.requests;
	}

	String bodyOf(String request) {
		return this.bodies.getOrDefault(request, "");
	}

	private void handle(HttpExchange exchange) throws IOException {
		String method = exchange.getRequestMethod();
		String path = exchange.getRequestURI().toString();
		String request = method + " " + path;
		this.requests.add(request);
		this.bodies.put(request, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
		boolean authorized = ("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"));
		if (path.equals("/health")) {
			respond(exchange, this.healthStatus, "application/json", this.healthBody);
		}
		else if (request.equals("POST /api/auth/login")) {
			boolean ok = this.bodies.get(request).contains("\"password\":\"" + PASSWORD + "\"");
			respond(exchange, ok ? 200 : 401, ok ? "application/json" : "application/problem+json",
					ok ? "{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}"
							: problem("invalid_credentials", "Wrong user name or password"));
		}
		else if (!authorized) {
			respond(exchange, 401, "application/problem+json", problem("unauthorized", "Authentication required"));
		}
		else {
			route(exchange, request);
		}
	}

	private void route(HttpExchange exchange, String request) throws IOException {
		if (request.equals("GET /status")) {
			respond(exchange, 200, "application/json", "{\"node_id\":\"node_1\",\"version\":\"0.1.0\","
					+ "\"database\":\"h2\",\"agents\":{\"online\":2,\"total\":3}}");
		}
		else if (request.equals("GET /metrics")) {
			respond(exchange, 200, "text/plain;version=0.0.4",
					"# HELP process_uptime_seconds up\n# TYPE process_uptime_seconds gauge\nprocess_uptime_seconds 4.2\n");
		}
		else if (request.startsWith("GET /api/agents?")) {
			respond(exchange, 200, "application/json", "{\"items\":[{\"id\":\"builder-7\",\"name\":\"Builder 7\","
					+ "\"status\":\"active\",\"online\":true,\"capabilities\":[\"ci\",\"java\"],\"last_seen_at\":null}],"
					+ "\"next_cursor\":null}");
		}
		else if (request.equals("POST /api/agents/builder-7/pause")) {
			respond(exchange, 200, "application/json", "{\"id\":\"builder-7\",\"status\":\"paused\"}");
		}
		else if (request.equals("POST /api/tasks")) {
			respond(exchange, 201, "application/json",
					"{\"id\":\"task_1\",\"status\":\"queued\",\"priority\":\"high\"}");
		}
		else if (request.equals("GET /api/tasks/task_1")) {
			List<String> states = this.taskStates;
			String state = states.get(Math.min(this.taskPolls.getAndIncrement(), states.size() - 1));
			respond(exchange, 200, "application/json", "{\"id\":\"task_1\",\"status\":\"" + state
					+ "\",\"assigned_agent_id\":null,\"progress\":null,\"status_reason\":null,\"waiting_reason\":null}");
		}
		else if (request.equals("GET /api/admin/encryption")) {
			respond(exchange, 200, "application/json",
					"{\"enabled\":true,\"active_key_id\":\"key-b\","
							+ "\"configured_key_ids\":[\"key-b\",\"key-a\"],\"values\":[{\"table\":\"tasks\","
							+ "\"column\":\"payload\",\"key_id\":\"key-a\",\"count\":7},{\"table\":\"tasks\","
							+ "\"column\":\"payload\",\"key_id\":null,\"count\":2}],\"values_pending\":9,"
							+ "\"unreadable_key_ids\":[\"key-0\"]}");
		}
		else if (request.startsWith("GET /api/audit/verify")) {
			respond(exchange, 200, "application/json", this.auditBroken
					? "{\"valid\":false,\"rows_checked\":4,\"first_broken_id\":4,"
							+ "\"reason\":\"the event does not match its hash (it was changed)\",\"from_seq\":1,"
							+ "\"to_seq\":10,\"head\":{\"seq\":10,\"hash\":\"ab12\"},\"checkpoint\":null}"
					: "{\"valid\":true,\"rows_checked\":6,\"first_broken_id\":null,\"reason\":null,"
							+ "\"from_seq\":5,\"to_seq\":10,\"head\":{\"seq\":10,\"hash\":\"ab12\"},"
							+ "\"checkpoint\":{\"through_seq\":4,\"hash\":\"cd34\",\"pruned_at\":\"2026-01-01T00:00:00Z\"}}");
		}
		else if (request.equals("POST /api/admin/encryption/rotate")) {
			respond(exchange, this.rotateStatus,
					(this.rotateStatus == 200) ? "application/json" : "application/problem+json",
					(this.rotateStatus == 200)
							? "{\"active_key_id\":\"key-b\",\"reencrypted\":{\"tasks\":9,\"user_mfa\":1},"
									+ "\"remaining\":0}"
							: problem("encryption_key_missing", "Stored data is encrypted with key 'key-0'"));
		}
		else {
			respond(exchange, 404, "application/problem+json", problem("task_not_found", "No task with id 'x'"));
		}
	}

	private static String problem(String code, String detail) {
		return "{\"type\":\"urn:nexus:problem:" + code + "\",\"detail\":\"" + detail + "\"}";
	}

	private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", contentType);
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
