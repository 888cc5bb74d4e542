package io.nexus.server.support;

import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.nexus.server.support.ApiClient.Response;
import org.junit.jupiter.api.BeforeEach;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of tests that throw bad requests at a running Nexus: each must be refused with a
 * clean RFC 9457 problem and must leave every table as it was.
 */
public abstract class HostileInputTest extends ApiIntegrationTest {

	private static final List<String> TABLES = List.of("tasks", "task_dependencies", "task_capabilities", "agents",
			"agent_capabilities", "users");

	/** A queued task that needs the {@code frontend} capability. */
	protected String task;

	/** An active agent that can do {@code backend} only. */
	protected String agent;

	/**
	 * The fixtures of each class, shared by its tests: a refused request leaves them as
	 * they are (every test checks it), so the hundreds of cases of a class need one task
	 * and one agent, not one of each per case.
	 */
	private static final Map<Class<?>, List<String>> SHARED = new ConcurrentHashMap<>();

	@BeforeEach
	void useTheSharedFixtures() {
		List<String> shared = SHARED.computeIfAbsent(getClass(), (type) -> newFixtures());
		this.task = shared.get(0);
		this.agent = shared.get(1);
	}

	/**
	 * Gives the current test a task and an agent of its own, for a test that changes them
	 * (assigns, finishes or cancels the task).
	 */
	protected void ownFixtures() {
		List<String> own = newFixtures();
		this.task = own.get(0);
		this.agent = own.get(1);
	}

	private List<String> newFixtures() {
		return List.of(created(this.api.post("/api/tasks", """
				{"title": "fixture", "category": "frontend"}""")), created(this.api.post("/api/agents", """
				{"name": "fixture", "capabilities": ["backend"]}""")));
	}

	/**
	 * A request that fills {@code {task}} and {@code {agent}} in its path and body with
	 * the ids of the fixtures.
	 * @param method the HTTP method
	 * @param path the path, with placeholders
	 * @param body the JSON body, or {@code null} for none
	 * @return the answer
	 */
	protected Response send(String method, String path, String body) {
		BodyPublisher publisher = (body != null) ? BodyPublishers.ofString(resolve(body)) : BodyPublishers.noBody();
		return this.api.send(method, resolve(path), publisher, (body != null) ? "application/json" : null);
	}

	/**
	 * Sends a request and checks that it is refused with the given status, that no row
	 * was added or removed and that the fixtures are unchanged.
	 * @param status the expected 4xx status
	 * @param request the request
	 * @return the answer
	 */
	protected Response assertRejected(int status, Supplier<Response> request) {
		Map<String, Long> before = counts();
		List<String> fixtures = fixtures();
		Response response = request.get();
		assertProblem(response, status);
		assertThat(counts()).as("rows after a refused request").isEqualTo(before);
		assertThat(fixtures()).as("fixtures after a refused request").isEqualTo(fixtures);
		return response;
	}

	/**
	 * Checks that an answer is a clean RFC 9457 problem with the given status.
	 * @param response the answer
	 * @param status the expected status
	 */
	protected static void assertProblem(Response response, int status) {
		assertThat(response.status()).as("status of %s", response).isEqualTo(status);
		assertThat(response.contentType()).as("content type of %s", response).startsWith("application/problem+json");
		assertThat(response.json().path("type").asString("")).as("problem type of %s", response)
			.startsWith("urn:nexus:problem:");
		assertThat(response.json().path("status").asInt(0)).isEqualTo(status);
		assertThat(response.body()).as("body leaks internals")
			.doesNotContain("Exception", "\tat ", "java.", "jakarta.", "tools.jackson", "org.springframework",
					"io.nexus", "org.h2", "org.postgresql", "SQL")
			.doesNotContainPattern("\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\.[A-Z][A-Za-z0-9_$]+");
	}

	protected static String created(Response response) {
		assertThat(response.status()).as("status of %s", response).isIn(200, 201);
		return response.field("id");
	}

	private String resolve(String text) {
		return text.replace("{task}", this.task).replace("{agent}", this.agent);
	}

	private List<String> fixtures() {
		return List.of(this.api.get("/api/tasks/" + this.task).body(),
				this.api.get("/api/agents/" + this.agent).body());
	}

	/**
	 * The number of rows of every table a refused request must leave alone.
	 * @return rows by table
	 */
	protected Map<String, Long> counts() {
		Map<String, Long> counts = new LinkedHashMap<>();
		TABLES.forEach((table) -> counts.put(table, rows(table)));
		// the test server is shared: tasks of other classes may gain events meanwhile
		// (a lease of a departed agent ends, say); a refused request adds none to the
		// fixture, and a task it wrongly created would show in the count of tasks
		counts.put("task_events of the fixture",
				this.jdbc.sql("SELECT COUNT(*) FROM task_events WHERE task_id = ?")
					.param(this.task)
					.query(Long.class)
					.single());
		return counts;
	}

}
