package io.nexus.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Argument parsing, settings and request building, without any server. */
class NexusctlTests {

	private final Map<String, String> env = new HashMap<>();

	private final StringWriter out = new StringWriter();

	private final StringWriter err = new StringWriter();

	@Test
	void withoutACommandItShowsUsageAndExits2() {
		assertThat(run()).isEqualTo(2);
		assertThat(this.err.toString()).contains("Missing command", "Usage: nexusctl");
	}

	@Test
	void aTaskNeedsATitle() {
		assertThat(run("tasks", "create", "--priority", "high")).isEqualTo(2);
		assertThat(this.err.toString()).contains("Missing required option: '--title=<title>'");
	}

	@Test
	void unknownOptionsAreRefused() {
		assertThat(run("agents", "list", "--colour")).isEqualTo(2);
		assertThat(this.err.toString()).contains("Unknown option: '--colour'");
	}

	@Test
	void invalidPayloadIsAUsageError() {
		assertThat(run("tasks", "create", "--title", "x", "--payload", "{nope", "--token", "t")).isEqualTo(2);
		assertThat(this.err.toString()).contains("--payload is not valid JSON");
	}

	@Test
	void idsThatCouldEscapeThePathAreRefused() {
		assertThat(run("agents", "get", "../users", "--token", "t")).isEqualTo(2);
		assertThat(this.err.toString()).contains("not a valid agent id: '../users'");
	}

	@Test
	void theUrlMustBeHttp() {
		assertThat(run("agents", "list", "--url", "ftp://nexus")).isEqualTo(2);
		assertThat(this.err.toString()).contains("must look like http://host:port");
	}

	@Test
	void theUrlComesFromTheFlagThenTheEnvironmentThenTheDefault() {
		assertThat(parsed().baseUrl()).isEqualTo(URI.create("http://localhost:4100"));
		this.env.put("NEXUS_URL", "https://nexus.example.com");
		assertThat(parsed().baseUrl()).isEqualTo(URI.create("https://nexus.example.com"));
		assertThat(parsed("--url", "http://10.0.0.1:4200", "health").baseUrl())
			.isEqualTo(URI.create("http://10.0.0.1:4200"));
	}

	@Test
	void globalFlagsWorkAfterTheSubcommandToo() {
		assertThat(parsed("tasks", "list", "--url", "http://after:1", "--token", "abc").baseUrl())
			.isEqualTo(URI.create("http://after:1"));
	}

	@Test
	void theTokenWinsOverUserAndPasswordAndIsNotPrinted() {
		this.env.put("NEXUS_TOKEN", "env-token");
		this.env.put("NEXUS_USER", "admin");
		this.env.put("NEXUS_PASSWORD", "pw");
		NexusClient client = parsed("--token", "flag-token").client();
		assertThat(client.token()).isEqualTo("flag-token");
		assertThat(new Credentials("secret", "admin", "pw").toString()).doesNotContain("secret", "pw");
	}

	@Test
	void theWebSocketEndpointFollowsTheBaseUrl() {
		assertThat(WebSocketProbe.endpointOf(URI.create("http://localhost:4100")))
			.isEqualTo(URI.create("ws://localhost:4100/ws"));
		assertThat(WebSocketProbe.endpointOf(URI.create("https://nexus.example.com/")))
			.isEqualTo(URI.create("wss://nexus.example.com/ws"));
		assertThat(WebSocketProbe.endpointOf(URI.create("http://gw:3100/nexus/")))
			.isEqualTo(URI.create("ws://gw:3100/nexus/ws"));
	}

	@Test
	void buildsTheCreateRequestInSnakeCase() {
		Nexusctl nexusctl = parsed();
		String json = nexusctl.json()
			.writeValueAsString(TasksCommand.createRequest(nexusctl, "Deploy", "CRITICAL", null, List.of(" a ", ""),
					"[1,2]", List.of("t1", "t2"), "deploy-1"));
		assertThat(json).isEqualTo("{\"id\":\"deploy-1\",\"title\":\"Deploy\",\"priority\":\"critical\","
				+ "\"required_capabilities\":[\"a\"],\"dependencies\":[\"t1\",\"t2\"],\"payload\":[1,2]}");
	}

	@Test
	void rendersTheHealthReport() {
		String report = HealthCommand.render(URI.create("http://nexus:4100"),
				List.of(CheckResult.up("api", 12, "GET /health: HTTP 200, UP"),
						CheckResult.skipped("redis", "not configured"), CheckResult.down("metrics", null, "refused")),
				true);
		assertThat(report.lines()).containsExactly("CHECK    STATUS   LATENCY  DETAIL",
				"api      UP       12 ms    GET /health: HTTP 200, UP", "redis    SKIPPED  -        not configured",
				"metrics  DOWN     -        refused", "", "Nexus at http://nexus:4100 is DOWN");
	}

	@Test
	void describesAWatchedTask() {
		Nexusctl nexusctl = parsed();
		assertThat(TaskWatcher.describe(nexusctl.json()
			.readTree("{\"id\":\"t\",\"status\":\"in_progress\",\"assigned_agent_id\":\"a1\",\"progress\":42.4,"
					+ "\"status_reason\":null,\"waiting_reason\":null}")))
			.isEqualTo("t in_progress agent=a1 progress=42%");
		assertThat(TaskWatcher.describe(nexusctl.json()
			.readTree("{\"id\":\"t\",\"status\":\"queued\",\"waiting_reason\":\"no agent is connected\"}")))
			.isEqualTo("t queued (no agent is connected)");
	}

	@Test
	void anUnknownIdKindIsAUsageErrorNotACrash() {
		assertThatExceptionOfType(CliException.class).isThrownBy(() -> Commands.id("task", ""))
			.satisfies((ex) -> assertThat(ex.exitCode()).isEqualTo(2));
	}

	private Nexusctl parsed(String... args) {
		Nexusctl root = new Nexusctl(this.env, new PrintWriter(this.out), new PrintWriter(this.err));
		Nexusctl.commandLine(root).parseArgs(args);
		return root;
	}

	private int run(String... args) {
		return Nexusctl.execute(this.env, new PrintWriter(this.out, true), new PrintWriter(this.err, true), args);
	}

}
