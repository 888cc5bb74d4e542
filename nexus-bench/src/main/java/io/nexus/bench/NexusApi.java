package io.nexus.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST calls the harness makes, over the JDK HTTP client (HTTP/1.1, keep-alive).
 */
final class NexusApi {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final HttpClient client;

	private final URI base;

	private final String bearer;

	private final URI agentBase;

	private final boolean countDeleted;

	private NexusApi(HttpClient client, URI base, String bearer, URI agentBase, boolean countDeleted) {
		this.client = client;
		this.base = base;
		this.bearer = bearer;
		this.agentBase = agentBase;
		this.countDeleted = countDeleted;
	}

	/**
	 * The same session, with agents connecting to another node of the same cluster.
	 * @param agentBase the base URL of the node agents connect to
	 * @return a copy
	 */
	NexusApi withAgentBase(URI agentBase) {
		return new NexusApi(this.client, this.base, this.bearer, agentBase, this.countDeleted);
	}

	/**
	 * The same session, counting the completed tasks that retention deleted meanwhile
	 * ({@code nexus_tasks_retention_deleted_total}) as completed, for runs whose server
	 * deletes finished tasks while the load runs.
	 * @return a copy
	 */
	NexusApi countingDeletedTasks() {
		return new NexusApi(this.client, this.base, this.bearer, this.agentBase, true);
	}

	static NexusApi login(URI base, String username, String password) throws IOException, InterruptedException {
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.build();
		String body = json.writeValueAsString(Map.of("username", username, "password", password));
		HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/auth/login"))
			.timeout(TIMEOUT)
			.header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(body))
			.build();
		HttpResponse<String> response = client.send(request, BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException("Login failed with HTTP " + response.statusCode() + ": " + response.body());
		}
		return new NexusApi(client, base, "Bearer " + json.readTree(response.body()).get("access_token").asString(),
				base, false);
	}

	RegisteredAgent registerAgent(String name, String capability, int maxConcurrency)
			throws IOException, InterruptedException {
		String body = json.writeValueAsString(
				Map.of("name", name, "capabilities", List.of(capability), "max_concurrency", maxConcurrency));
		JsonNode agent = json.readTree(expect(201, post("/api/agents", body)));
		return new RegisteredAgent(agent.get("id").asString(), agent.get("token").asString());
	}

	/**
	 * Creates tasks; the caller builds the JSON body.
	 * @param body one task, or {@code {"tasks":[...]}}
	 * @param batch whether the body is a batch
	 * @return the HTTP status
	 */
	int createTasks(String body, boolean batch) throws IOException, InterruptedException {
		return post(batch ? "/api/tasks/batch" : "/api/tasks", body).statusCode();
	}

	/**
	 * Creates tasks and returns the whole answer, for callers that honour
	 * {@code Retry-After}.
	 * @param body one task, or {@code {"tasks":[...]}}
	 * @param batch whether the body is a batch
	 * @return the answer
	 */
	HttpResponse<String> postTasks(String body, boolean batch) throws IOException, InterruptedException {
		return post(batch ? "/api/tasks/batch" : "/api/tasks", body);
	}

	/** Tasks in {@code completed}, from {@code GET /status}. */
	long completedTasks() throws IOException, InterruptedException {
		JsonNode completed = status().path("tasks").path("by_status").path("completed");
		long stored = completed.isMissingNode() ? 0 : completed.asLong();
		return this.countDeleted ? stored + retentionDeleted() : stored;
	}

	/**
	 * Finished tasks the node deleted by retention, from {@code GET /metrics}: in a run
	 * whose tasks all complete, completed ones.
	 */
	private long retentionDeleted() throws IOException, InterruptedException {
		String metric = "nexus_tasks_retention_deleted_total";
		double deleted = 0;
		for (String line : expect(200, get("/metrics")).split("\n")) {
			if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
				String value = line.substring(line.lastIndexOf(line.contains("}") ? '}' : ' ') + 1)
					.trim()
					.split(" ")[0];
				deleted += Double.parseDouble(value);
			}
		}
		return (long) deleted;
	}

	/** Agents online, from {@code GET /status}. */
	long onlineAgents() throws IOException, InterruptedException {
		return status().path("agents").path("online").asLong();
	}

	/** The sum of {@code jvm_memory_used_bytes{area="heap"}} in {@code GET /metrics}. */
	long heapUsedBytes() throws IOException, InterruptedException {
		return PrometheusText.sum(expect(200, get("/metrics")), "jvm_memory_used_bytes", "area=\"heap\"");
	}

	URI webSocketUri() {
		String scheme = "https".equals(this.agentBase.getScheme()) ? "wss" : "ws";
		return URI.create(scheme + "://" + this.agentBase.getAuthority() + "/ws");
	}

	private JsonNode status() throws IOException, InterruptedException {
		return json.readTree(expect(200, get("/status")));
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(this.base.resolve(path))
			.timeout(TIMEOUT)
			.header("Authorization", this.bearer)
			.GET()
			.build();
		return this.client.send(request, BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(this.base.resolve(path))
			.timeout(TIMEOUT)
			.header("Authorization", this.bearer)
			.header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(body))
			.build();
		return this.client.send(request, BodyHandlers.ofString());
	}

	private static String expect(int status, HttpResponse<String> response) throws IOException {
		if (response.statusCode() != status) {
			throw new IOException(response.request().method() + " " + response.request().uri().getPath() + " answered "
					+ response.statusCode() + ": " + response.body());
		}
		return response.body();
	}

	/**
	 * An agent registered over REST.
	 *
	 * @param id its id
	 * @param token its token, shown once
	 */
	record RegisteredAgent(String id, String token) {

	}

}
