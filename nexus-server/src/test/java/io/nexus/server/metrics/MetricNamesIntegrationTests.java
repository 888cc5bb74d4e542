package io.nexus.server.metrics;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.SdkAgents;
import io.nexus.server.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Nexus with an agent at work exports every metric that the Grafana dashboards and
 * the Prometheus rules under {@code deploy/} use, and its scrape passes
 * {@code promtool check metrics}.
 */
@TestPropertySource(properties = { "nexus.dispatch.heartbeat-interval=1s", "nexus.dispatch.reaper-interval=200ms",
		"nexus.metrics.refresh-interval=200ms" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricNamesIntegrationTests extends ApiIntegrationTest {

	/** Metric names in PromQL, loosely: the families that Nexus exports. */
	private static final Pattern METRIC_NAME = Pattern
		.compile("(?<![A-Za-z0-9_:])(nexus_[a-z0-9_]+|http_server_requests_seconds[a-z_]*|jvm_[a-z0-9_]+"
				+ "|hikaricp_[a-z0-9_]+|process_[a-z0-9_]+|system_[a-z0-9_]+|disk_[a-z0-9_]+)");

	private SdkAgents agents;

	/** Puts one agent to work once for all tests, so that the counts are known. */
	@BeforeAll
	void putAgentToWork() throws IOException {
		this.api = new ApiClient(this.port).login("admin", ADMIN_PASSWORD);
		this.agents = new SdkAgents(this.port);
		Response agent = this.api.post("/api/agents",
				"{\"name\":\"metered\",\"capabilities\":[\"metered\"],\"max_concurrency\":2}");
		assertThat(agent.status()).as(agent.body()).isEqualTo(201);
		this.agents.start(this.agents.builder(agent.field("id"), agent.field("token"), (context) -> "done", "metered")
			.maxConcurrency(2));
		String done = createTask("{\"title\":\"measured\",\"category\":\"metered\",\"priority\":\"high\"}");
		createTask("{\"title\":\"waits\",\"category\":\"unserved\"}");
		await().until(() -> "completed".equals(this.api.get("/api/tasks/" + done).field("status")));
		await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
			String scrape = scrape();
			assertThat(scrape).contains("nexus_queue_depth{capability=\"unserved\"} 1")
				.containsPattern("nexus_agent_cpu_usage_percent\\{agent=\"[^\"]+\"}")
				.containsPattern("nexus_agent_heartbeat_latency_seconds_count [1-9]");
		});
		// For a look at the real thing: target/metrics-scrape.txt
		Files.writeString(Path.of("target", "metrics-scrape.txt"), scrape());
	}

	@AfterAll
	void stopAgents() {
		this.agents.close();
	}

	@Test
	void everyMetricOfTheDashboardsAndRulesIsExported() throws IOException {
		Set<String> exported = sampleNames(scrape());
		Map<String, Set<String>> used = usedMetricNames();
		assertThat(used).as("metric names in deploy/").isNotEmpty();
		assertThat(used.keySet()).anyMatch((name) -> name.startsWith("nexus_"))
			.anyMatch((name) -> name.startsWith("http_server_requests_seconds"))
			.anyMatch((name) -> name.startsWith("jvm_"))
			.anyMatch((name) -> name.startsWith("hikaricp_"));
		Map<String, Set<String>> missing = new TreeMap<>(used);
		missing.keySet().removeAll(exported);
		assertThat(missing).as("metrics used under deploy/ (name -> files) that Nexus does not export").isEmpty();
	}

	@Test
	void nexusMetricsCountTheWorkDone() {
		String scrape = scrape();
		assertThat(value(scrape, "nexus_tasks_submitted_total{category=\"metered\",priority=\"high\"}")).isEqualTo(1);
		assertThat(value(scrape, "nexus_tasks_completed_total{category=\"metered\",priority=\"high\"}")).isEqualTo(1);
		assertThat(value(scrape, "nexus_task_duration_seconds_count{category=\"metered\"}")).isEqualTo(1);
		assertThat(value(scrape, "nexus_task_time_to_assign_seconds_count{capability=\"metered\"}")).isEqualTo(1);
		assertThat(value(scrape, "nexus_agents_connected")).isEqualTo(1);
		assertThat(value(scrape, "nexus_websocket_connections")).isEqualTo(1);
		assertThat(value(scrape, "nexus_tasks{status=\"queued\"}")).isEqualTo(1);
		assertThat(value(scrape, "nexus_websocket_frames_received_total{type=\"task_complete\"}")).isEqualTo(1);
		assertThat(value(scrape, "nexus_websocket_frames_sent_total{type=\"task_assigned\"}")).isEqualTo(1);
		assertThat(value(scrape, "nexus_websocket_sent_bytes_total{type=\"task_assigned\"}")).isGreaterThan(50);
	}

	@Test
	void scrapePassesPromtoolCheckMetrics() throws Exception {
		Path promtool = Stream.of(System.getenv("PATH").split(File.pathSeparator))
			.map((dir) -> Path.of(dir, "promtool"))
			.filter(Files::isExecutable)
			.findFirst()
			.orElse(null);
		if (promtool == null) {
			String reason = "promtool is not on the PATH (Debian package prometheus)";
			if (TestServices.servicesRequired()) {
				throw new AssertionError(reason + " and NEXUS_REQUIRE_SERVICES=true");
			}
			Assumptions.abort(reason + "; skipping promtool check metrics");
		}
		Process process = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
		try (OutputStream stdin = process.getOutputStream()) {
			stdin.write(scrape().getBytes(StandardCharsets.UTF_8));
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		// Nexus answers for its own metrics; those of Spring Boot and Micrometer are as
		// they are.
		assertThat(output.lines().filter((line) -> line.contains("nexus_")))
			.as("promtool check metrics on nexus_* metrics:%n%s", output)
			.isEmpty();
	}

	private String scrape() {
		// jvm_gc_pause_seconds has samples only once a collection has happened
		System.gc();
		Response response = this.api.get("/metrics");
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return response.body();
	}

	private static Set<String> sampleNames(String scrape) {
		Set<String> names = new TreeSet<>();
		scrape.lines().filter((line) -> !line.isBlank() && !line.startsWith("#")).forEach((line) -> {
			int end = 0;
			while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
				end++;
			}
			names.add(line.substring(0, end));
		});
		return names;
	}

	private static double value(String scrape, String series) {
		return scrape.lines()
			.filter((line) -> line.startsWith(series + " "))
			.mapToDouble((line) -> Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no series " + series + " in the scrape"));
	}

	/**
	 * The metric names of every dashboard and every rule file under {@code deploy/}, with
	 * the files that use them. Sample names (with {@code _bucket}, {@code _count},
	 * {@code _sum}, {@code _total}) are compared as they are, because that is what PromQL
	 * selects.
	 */
	private static Map<String, Set<String>> usedMetricNames() throws IOException {
		Path deploy = deployDirectory();
		Map<String, Set<String>> used = new TreeMap<>();
		for (Path dir : new Path[] { deploy.resolve("grafana/dashboards"), deploy.resolve("prometheus/rules") }) {
			try (Stream<Path> files = Files.list(dir)) {
				for (Path file : files.filter((path) -> path.toString().matches(".*\\.(json|ya?ml)$")).toList()) {
					Matcher matcher = METRIC_NAME.matcher(Files.readString(file));
					while (matcher.find()) {
						used.computeIfAbsent(matcher.group(1), (key) -> new TreeSet<>())
							.add(deploy.relativize(file).toString());
					}
				}
			}
		}
		return used;
	}

	private static Path deployDirectory() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isDirectory(dir.resolve("deploy/prometheus"))) {
				return dir.resolve("deploy");
			}
		}
		throw new AssertionError("no deploy/ directory above " + Path.of("").toAbsolutePath());
	}

	private String createTask(String json) {
		Response response = this.api.post("/api/tasks", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

}
