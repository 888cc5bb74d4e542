package io.nexus.server.dashboard;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.nexus.server.cluster.Node;
import io.nexus.server.cluster.NodeState;
import io.nexus.server.cluster.persistence.NodeRepository;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.SdkAgents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

import org.springframework.beans.factory.annotation.Autowired;

import static org.awaitility.Awaitility.await;

/**
 * Writes a screenshot of every page in every theme, at 1280×800 and 390×844, into
 * {@code docs/screenshots/}. Runs only when asked:
 * {@code ./mvnw -pl nexus-server verify -Dtest=DashboardScreenshots -Dnexus.screenshots=true}.
 */
@EnabledIfSystemProperty(named = "nexus.screenshots", matches = "true")
class DashboardScreenshots extends ApiIntegrationTest {

	private static final List<String> THEMES = List.of("modern", "cyberpunk", "glassmorphism", "matrix");

	@Autowired
	private NodeRepository nodes;

	@Test
	void everyPageInEveryTheme() throws Exception {
		Path out = Path.of(System.getProperty("nexus.screenshots.dir", "../docs/screenshots"));
		Files.createDirectories(out);
		try (SdkAgents agents = new SdkAgents(this.port)) {
			String taskId = populate(agents);
			Map<String, String> pages = Map.of("login", "/login", "overview", "/", "agents", "/agents", "agent",
					"/agents/builder-1", "tasks", "/tasks", "task", "/tasks/" + taskId, "analytics", "/analytics",
					"account", "/account", "nodes", "/nodes");
			for (int[] size : List.of(new int[] { 1280, 800 }, new int[] { 390, 844 })) {
				WebDriver browser = Browsers.start(size[0], size[1]);
				try {
					String base = "http://localhost:" + this.port;
					Browsers.logIn(browser, base, "admin", ADMIN_PASSWORD);
					await().atMost(Duration.ofSeconds(10)).until(() -> browser.getTitle().startsWith("Overview"));
					for (String theme : THEMES) {
						for (Map.Entry<String, String> page : pages.entrySet()) {
							if (page.getKey().equals("login")) {
								continue;
							}
							browser.get(base + page.getValue() + "?theme=" + theme);
							await().atMost(Duration.ofSeconds(5))
								.until(() -> "complete".equals(
										((JavascriptExecutor) browser).executeScript("return document.readyState")));
							save(browser, out.resolve(page.getKey() + "-" + theme + "-" + size[0] + ".png"));
						}
					}
					browser.findElement(By.id("logout")).click();
					for (String theme : THEMES) {
						browser.get(base + "/login?theme=" + theme);
						save(browser, out.resolve("login-" + theme + "-" + size[0] + ".png"));
					}
				}
				finally {
					browser.quit();
				}
			}
		}
	}

	private String populate(SdkAgents agents) {
		String[] capabilities = { "frontend", "backend", "data", "automation" };
		for (int i = 1; i <= 5; i++) {
			String cap = capabilities[i % capabilities.length];
			String token = this.api
				.post("/api/agents",
						"{\"id\":\"builder-" + i + "\",\"name\":\"Builder " + i + "\",\"capabilities\":[\"" + cap
								+ "\",\"automation\"],\"max_concurrency\":3,\"priority_score\":" + (10 * i) + "}")
				.field("token");
			if (i <= 4) {
				Random random = new Random(i);
				agents.start(agents.builder("builder-" + i, token, (task) -> {
					task.progress(40, "working");
					Thread.sleep(50 + random.nextInt(200));
					if (random.nextInt(10) == 0) {
						throw new IllegalStateException("upstream returned 502");
					}
					return Map.of("ok", true, "items", random.nextInt(100));
				}, cap, "automation"));
			}
		}
		String[] titles = { "Build landing page", "Refresh product catalog", "Nightly data export",
				"Resize uploaded images", "Sync CRM contacts", "Generate weekly report", "Crawl partner sitemap",
				"Run accessibility audit" };
		for (int i = 0; i < 40; i++) {
			String cap = capabilities[i % capabilities.length];
			this.api.post("/api/tasks",
					"{\"title\":\"" + titles[i % titles.length] + " #" + (i + 1) + "\",\"category\":\"" + cap
							+ "\",\"priority\":\"" + List.of("low", "medium", "high", "critical").get(i % 4)
							+ "\",\"estimated_duration\":" + (1 + i % 5) + ",\"payload\":{\"batch\":" + i + "}}");
		}
		this.api.post("/api/tasks", "{\"title\":\"Train vision model\",\"category\":\"gpu\",\"priority\":\"high\"}");
		this.api.post("/api/tasks", "{\"title\":\"<script>alert(1)</script>\",\"category\":\"gpu\"}");
		await().atMost(Duration.ofSeconds(60))
			.until(() -> this.api.get("/api/tasks?status=queued&limit=100").json().get("items").size() <= 2);
		String id = this.api.get("/api/tasks?status=completed&limit=1").json().get("items").get(0).get("id").asString();
		// an hour of heartbeat samples (one per agent every 30 s), so the agent page's
		// CPU and
		// memory charts have a history to show
		Instant now = Instant.now();
		for (int i = 1; i <= 4; i++) {
			for (int step = 120; step > 0; step--) {
				double wave = Math.sin((step + 10 * i) / 9.0);
				this.jdbc
					.sql("INSERT INTO agent_samples (agent_id, sampled_at, cpu_percent, memory_percent, active_tasks) "
							+ "VALUES (:agent, :at, :cpu, :memory, :active)")
					.param("agent", "builder-" + i)
					.param("at", now.minusSeconds(30L * step).atOffset(ZoneOffset.UTC))
					.param("cpu", 35 + 25 * wave + (step % 7))
					.param("memory", 48 + 6 * Math.cos(step / 17.0) + i)
					.param("active", (int) (1.5 + 1.5 * wave))
					.update();
			}
		}
		// two more nodes, one stopped cleanly and one dead, for the nodes page
		Instant started = now.minusSeconds(3 * 3600);
		this.nodes.insert(new Node("node_01m8zzstoppedexample00", "nexus-2:4100", "0.1.0", NodeState.UP, started,
				now.minusSeconds(1800), null));
		this.nodes.transition("node_01m8zzstoppedexample00", NodeState.UP, NodeState.STOPPED, now.minusSeconds(1800));
		this.nodes.insert(new Node("node_01m8zzdeadexample00000", "nexus-3:4100", "0.1.0", NodeState.UP, started,
				now.minusSeconds(300), null));
		this.nodes.transition("node_01m8zzdeadexample00000", NodeState.UP, NodeState.DEAD, now.minusSeconds(280));
		return id;
	}

	private static void save(WebDriver browser, Path file) throws Exception {
		Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
		Files.move(shot, file, StandardCopyOption.REPLACE_EXISTING);
	}

}
