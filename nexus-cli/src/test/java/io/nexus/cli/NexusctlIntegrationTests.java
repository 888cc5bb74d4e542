package io.nexus.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code nexusctl} against a fake Nexus in the test: real HTTP, a real WebSocket
 * handshake.
 */
class NexusctlIntegrationTests {

	private FakeNexus nexus;

	private FakeWebSocketServer webSocket;

	private final Map<String, String> env = new HashMap<>();

	private final StringWriter out = new StringWriter();

	private final StringWriter err = new StringWriter();

	@BeforeEach
	void start() throws Exception {
		this.nexus = new FakeNexus();
		this.webSocket = new FakeWebSocketServer();
		this.env.put("NEXUS_URL", this.nexus.url());
	}

	@AfterEach
	void stop() throws Exception {
		this.nexus.close();
		this.webSocket.close();
	}

	@Test
	void healthIsUpWhenEveryCheckPasses() {
		this.env.put("NEXUS_TOKEN", FakeNexus.TOKEN);
		int exit = run("health", "--ws-url", this.webSocket.url());
		assertThat(exit).as(this.out + "" + this.err).isZero();
		assertThat(this.out.toString()).containsPattern("api +UP +\\d+ ms +GET /health: HTTP 200, UP")
			.containsPattern("status +UP .*node node_1, version 0.1.0, database h2, agents online 2/3")
			.containsPattern("websocket +UP .*handshake 101")
			.containsPattern("database +UP .*'db': UP")
			.containsPattern("redis +SKIPPED .*not configured")
			.containsPattern("metrics +UP .*1 samples")
			.contains("is UP");
	}

	@Test
	void healthLogsInWithUserAndPasswordAndRegistersAProbeAgent() {
		this.env.put("NEXUS_USER", "admin");
		this.env.put("NEXUS_PASSWORD", FakeNexus.PASSWORD);
		int exit = run("health", "--json", "--ws-url", this.webSocket.url(), "--agent-id", "probe", "--agent-token",
				"nxa_x");
		assertThat(exit).as(this.err.toString()).isZero();
		assertThat(this.nexus.requests()).contains("POST /api/auth/login", "GET /status", "GET /metrics");
		assertThat(this.webSocket.received()).singleElement().asString().contains("\"agent_register\"", "\"probe\"");
		assertThat(this.out.toString()).contains("\"status\" : \"UP\"", "\"name\" : \"websocket\"",
				"agent probe registered", "\"latency_ms\" :");
	}

	@Test
	void healthFailsWhenTheDatabaseIsDown() {
		this.env.put("NEXUS_TOKEN", FakeNexus.TOKEN);
		this.nexus.healthStatus = 503;
		this.nexus.healthBody = "{\"status\":\"DOWN\",\"components\":{\"db\":{\"status\":\"DOWN\"},"
				+ "\"redis\":{\"status\":\"UP\"}}}";
		int exit = run("health", "--ws-url", this.webSocket.url());
		assertThat(exit).isEqualTo(1);
		assertThat(this.out.toString()).containsPattern("api +DOWN .*HTTP 503, DOWN")
			.containsPattern("database +DOWN .*'db': DOWN")
			.containsPattern("redis +UP")
			.contains("is DOWN");
	}

	@Test
	void healthWithoutCredentialsSkipsWhatNeedsALogin() {
		int exit = run("health", "--ws-url", this.webSocket.url());
		assertThat(exit).isZero();
		assertThat(this.out.toString()).containsPattern("status +SKIPPED .*needs a login")
			.containsPattern("metrics +SKIPPED .*needs a login");
	}

	@Test
	void healthFailsWhenTheWebSocketIsNotThere() {
		this.env.put("NEXUS_TOKEN", FakeNexus.TOKEN);
		int exit = run("health");
		assertThat(exit).isEqualTo(1);
		assertThat(this.out.toString()).containsPattern("websocket +DOWN .*handshake answered HTTP 401 instead of 101");
	}

	@Test
	void reportsConnectionRefusedClearly() throws Exception {
		this.nexus.close();
		int exit = run("agents", "list", "--token", FakeNexus.TOKEN);
		assertThat(exit).isEqualTo(1);
		assertThat(this.err.toString()).contains("cannot reach Nexus at " + this.nexus.url(), "connection refused");
	}

	@Test
	void reports401WithWhatToSet() {
		int exit = run("agents", "list", "--token", "wrong");
		assertThat(exit).isEqualTo(1);
		assertThat(this.err.toString())
			.contains("nexusctl: HTTP 401 unauthorized: the token is missing, invalid or expired; set NEXUS_TOKEN");
	}

	@Test
	void reportsAWrongPasswordAtLogin() {
		this.env.put("NEXUS_USER", "admin");
		this.env.put("NEXUS_PASSWORD", "nope");
		int exit = run("tasks", "list");
		assertThat(exit).isEqualTo(1);
		assertThat(this.err.toString()).contains("login as 'admin' refused: wrong user name or password");
	}

	@Test
	void reports404WithTheProblemDetail() {
		int exit = run("tasks", "get", "missing", "--token", FakeNexus.TOKEN);
		assertThat(exit).isEqualTo(1);
		assertThat(this.err.toString()).contains("HTTP 404 task_not_found: not found (No task with id 'x')");
	}

	@Test
	void listsAgentsAsATable() {
		int exit = run("--token", FakeNexus.TOKEN, "agents", "list", "--online", "true");
		assertThat(exit).isZero();
		assertThat(this.nexus.requests()).contains("GET /api/agents?limit=100&online=true");
		assertThat(this.out.toString().lines()).containsExactly(
				"ID         NAME       STATUS  ONLINE  CAPABILITIES  LAST SEEN",
				"builder-7  Builder 7  active  yes     ci,java       -");
	}

	@Test
	void pausesAnAgent() {
		int exit = run("agents", "pause", "builder-7", "--token", FakeNexus.TOKEN);
		assertThat(exit).isZero();
		assertThat(this.out.toString()).isEqualTo("agent builder-7 is now paused" + System.lineSeparator());
	}

	@Test
	void createsATaskWithEveryOption() {
		int exit = run("tasks", "create", "--token", FakeNexus.TOKEN, "--title", "Build", "--priority", "high",
				"--category", "ci", "--capability", "java,linux", "--capability", "gpu", "--payload",
				"{\"repo\":\"x\"}", "--depends-on", "task_a");
		assertThat(exit).as(this.err.toString()).isZero();
		assertThat(this.nexus.bodyOf("POST /api/tasks")).isEqualTo("{\"title\":\"Build\",\"priority\":\"high\","
				+ "\"category\":\"ci\",\"required_capabilities\":[\"java\",\"linux\",\"gpu\"],"
				+ "\"dependencies\":[\"task_a\"],\"payload\":{\"repo\":\"x\"}}");
		assertThat(this.out.toString()).startsWith("created task task_1 (queued, priority high)");
	}

	@Test
	void watchPrintsEachChangeUntilTheTaskFinishes() {
		this.nexus.taskStates = List.of("queued", "queued", "assigned", "in_progress", "in_progress", "completed");
		int exit = run("tasks", "watch", "task_1", "--interval", "10", "--token", FakeNexus.TOKEN);
		assertThat(exit).isZero();
		assertThat(this.out.toString().lines().map((line) -> line.substring(line.indexOf("  ") + 2)))
			.containsExactly("task_1 queued", "task_1 assigned", "task_1 in_progress", "task_1 completed");
	}

	@Test
	void watchFailsWhenTheTaskIsCancelled() {
		this.nexus.taskStates = List.of("queued", "cancelled");
		assertThat(run("tasks", "watch", "task_1", "--interval", "10", "--token", FakeNexus.TOKEN)).isEqualTo(1);
	}

	@Test
	void encryptionStatusShowsKeysValuesAndWhatToDo() {
		int exit = run("encryption", "status", "--token", FakeNexus.TOKEN);
		assertThat(exit).as(this.err.toString()).isZero();
		assertThat(this.out.toString()).contains("on, active key 'key-b' (configured: key-b, key-a)")
			.containsPattern("tasks +payload +key-a +7")
			.containsPattern("tasks +payload +\\(plaintext\\) +2")
			.contains("9 value(s) not under the active key: run 'nexusctl encryption rotate'")
			.contains("Unreadable key ids: key-0");
		assertThat(this.nexus.requests()).contains("GET /api/admin/encryption");
	}

	@Test
	void encryptionRotatePostsAndReportsCounts() {
		int exit = run("encryption", "rotate", "--token", FakeNexus.TOKEN);
		assertThat(exit).as(this.err.toString()).isZero();
		assertThat(this.out.toString().strip()).isEqualTo(
				"Re-encrypted with key 'key-b': tasks 9 row(s), user_mfa 1 row(s); 0 value(s) left under other keys");
		assertThat(this.nexus.requests()).contains("POST /api/admin/encryption/rotate");
	}

	@Test
	void encryptionRotateFailsWithTheProblemWhenAKeyIsMissing() {
		this.nexus.rotateStatus = 503;
		int exit = run("encryption", "rotate", "--token", FakeNexus.TOKEN);
		assertThat(exit).isEqualTo(1);
		assertThat(this.err.toString()).contains("503").contains("encryption_key_missing");
	}

	@Test
	void auditVerifyReportsAValidChain() {
		int exit = run("audit", "verify", "--from", "5", "--token", FakeNexus.TOKEN);
		assertThat(exit).as(this.err.toString()).isZero();
		assertThat(this.out.toString().strip()).isEqualTo("Audit chain valid: 6 event(s) checked (seq 5-10; starts "
				+ "after checkpoint seq 4); head seq 10 hash ab12");
		assertThat(this.nexus.requests()).contains("GET /api/audit/verify?from=5");
	}

	@Test
	void auditVerifyFailsAtTheFirstBrokenEvent() {
		this.nexus.auditBroken = true;
		int exit = run("audit", "verify", "--token", FakeNexus.TOKEN);
		assertThat(exit).isEqualTo(1);
		assertThat(this.out.toString()).contains("Audit chain BROKEN at seq 4: the event does not match its hash");
		assertThat(this.nexus.requests()).contains("GET /api/audit/verify");
	}

	private int run(String... args) {
		return Nexusctl.execute(this.env, new PrintWriter(this.out, true), new PrintWriter(this.err, true), args);
	}

}
