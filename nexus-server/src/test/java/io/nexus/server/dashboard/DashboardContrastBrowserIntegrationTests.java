package io.nexus.server.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.nexus.server.cluster.Node;
import io.nexus.server.cluster.NodeState;
import io.nexus.server.cluster.persistence.NodeRepository;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Text contrast measured in a real browser at 1280x800 (contrast-audit.js beside this
 * class): every visible text of every dashboard page, filled with an agent and tasks in
 * every state, against WCAG 2.1 AA (4.5:1, 3:1 for large text), and a visible focus ring
 * (at least 3:1) on everything the keyboard reaches. Modern must pass AA; the other
 * themes must stay legible (at least 3:1 everywhere). Offending elements are printed with
 * their selector, colours and ratio.
 */
class DashboardContrastBrowserIntegrationTests extends ApiIntegrationTest {

	private static final String AGENT = "contrast-agent";

	private static final String HELD_AGENT = "contrast-held-agent";

	private static final String DEAD_NODE = "contrast-dead-node";

	@Autowired
	private NodeRepository nodes;

	private WebDriver browser;

	private String base;

	private String script;

	private final Map<String, String> pages = new LinkedHashMap<>();

	@BeforeEach
	void openBrowserOnAFilledFleet() throws IOException {
		this.browser = Browsers.start(1280, 800);
		this.base = "http://localhost:" + this.port;
		try (InputStream in = getClass().getResourceAsStream("contrast-audit.js")) {
			this.script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		if (this.api.get("/api/agents/" + AGENT).status() == 404) {
			this.api.post("/api/agents",
					"{\"id\":\"" + AGENT + "\",\"name\":\"Contrast agent\",\"capabilities\":[\"contrast\",\"ui\"]}");
		}
		// an agent in quarantine: its notification puts an unread count on the bell of
		// the
		// top bar, whose colours are then checked on every page
		if (this.api.get("/api/agents/" + HELD_AGENT).status() == 404) {
			this.api.post("/api/agents",
					"{\"id\":\"" + HELD_AGENT + "\",\"name\":\"Held agent\",\"capabilities\":[\"held\"]}");
		}
		this.api.post("/api/agents/" + HELD_AGENT + "/release", "{}");
		assertThat(
				this.api.post("/api/agents/" + HELD_AGENT + "/quarantine", "{\"reason\":\"contrast check\"}").status())
			.isEqualTo(200);
		String queued = task("Waiting for an agent", "nobody-has-this");
		task("Waits for another task", null, "\"dependencies\":[\"" + queued + "\"]");
		String assigned = task("Handed to an agent", "contrast");
		this.api.post("/api/tasks/" + assigned + "/assign", "{\"agent_id\":\"" + AGENT + "\"}");
		this.api.put("/api/tasks/" + task("Finished well", "contrast"), "{\"status\":\"completed\"}");
		String failed = task("Went wrong", "contrast");
		this.api.put("/api/tasks/" + failed, "{\"status\":\"failed\"}");
		this.api.put("/api/tasks/" + task("Called off", "contrast"), "{\"status\":\"cancelled\"}");
		this.pages.put("overview", "/");
		this.pages.put("agents", "/agents");
		this.pages.put("agent", "/agents/" + AGENT);
		this.pages.put("tasks", "/tasks");
		this.pages.put("task (failed)", "/tasks/" + failed);
		this.pages.put("analytics", "/analytics");
		if (this.nodes.all(1000).stream().noneMatch((node) -> node.id().equals(DEAD_NODE))) {
			Instant now = Instant.now();
			this.nodes.insert(new Node(DEAD_NODE, "gone:4100", "0.0.1", NodeState.UP, now, now, null));
			this.nodes.transition(DEAD_NODE, NodeState.UP, NodeState.DEAD, now);
		}
		this.pages.put("nodes (one dead)", "/nodes");
		this.pages.put("approvals", "/approvals");
		this.pages.put("input", "/input");
		this.pages.put("usage", "/usage");
		this.pages.put("schedules", "/schedules");
		this.pages.put("webhooks", "/webhooks");
		this.pages.put("policies", "/policies");
		this.pages.put("notifications", "/notifications");
		this.pages.put("account", "/account");
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void modernMeetsWcagAaContrastOnEveryPage() {
		List<String> problems = new ArrayList<>();
		for (Map.Entry<String, Map<String, Object>> page : auditTheme("modern").entrySet()) {
			Map<String, Object> result = page.getValue();
			assertThat((Long) result.get("checked")).as("texts measured on " + page.getKey()).isGreaterThan(10);
			assertThat((List<?>) result.get("focus")).as("focus rings reached on " + page.getKey())
				.hasSizeGreaterThan(5);
			for (Object failure : (List<?>) result.get("failures")) {
				problems.add(page.getKey() + ": " + failure);
			}
			for (Object ring : (List<?>) result.get("focus")) {
				if (!Boolean.TRUE.equals(((Map<?, ?>) ring).get("visible"))) {
					problems.add(page.getKey() + ": focus ring not visible " + ring);
				}
			}
		}
		assertThat(problems).as("texts below WCAG AA and invisible focus rings in Modern").isEmpty();
	}

	@Test
	void otherThemesStayLegible() {
		List<String> problems = new ArrayList<>();
		for (String theme : List.of("cyberpunk", "glassmorphism", "matrix")) {
			for (Map.Entry<String, Map<String, Object>> page : auditTheme(theme).entrySet()) {
				for (Object failure : (List<?>) page.getValue().get("failures")) {
					Number ratio = (Number) ((Map<?, ?>) failure).get("ratio");
					if (ratio.doubleValue() < 3) {
						problems.add(theme + " " + page.getKey() + ": " + failure);
					}
				}
			}
		}
		assertThat(problems).as("texts below 3:1").isEmpty();
	}

	/**
	 * Audits the login page and every page of the dashboard in one theme; prints a line
	 * per page and every offending element.
	 */
	private Map<String, Map<String, Object>> auditTheme(String theme) {
		Map<String, Map<String, Object>> results = new LinkedHashMap<>();
		this.browser.manage().deleteAllCookies();
		this.browser.get(this.base + "/login?theme=" + theme);
		results.put("login", audit(theme, "login"));
		Browsers.logIn(this.browser, this.base, "admin", ADMIN_PASSWORD);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));
		for (Map.Entry<String, String> page : this.pages.entrySet()) {
			this.browser.get(this.base + page.getValue() + "?theme=" + theme);
			results.put(page.getKey(), audit(theme, page.getKey()));
		}
		return results;
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> audit(String theme, String page) {
		assertThat(this.browser.findElement(By.tagName("html")).getDomAttribute("data-theme")).isEqualTo(theme);
		JavascriptExecutor js = (JavascriptExecutor) this.browser;
		js.executeScript(this.script);
		Map<String, Object> result = new LinkedHashMap<>(
				(Map<String, Object>) js.executeScript("return window.__nexusContrast.audit();"));
		// focus rings are a requirement of Modern only; tabbing through the other themes
		// would only cost time
		result.put("focus", "modern".equals(theme) ? focusRings(js) : List.of());
		List<?> failures = (List<?>) result.get("failures");
		System.out.printf(Locale.ROOT, "contrast %-13s %-13s checked %3d, below 4.5:1 %3d, worst %5.2f, failing %d%n",
				theme, page, result.get("checked"), result.get("belowAa"), ((Number) result.get("worst")).doubleValue(),
				failures.size());
		failures.forEach((failure) -> System.out.println("    " + failure));
		((List<?>) result.get("unmeasured")).forEach((what) -> System.out.println("    unmeasured: " + what));
		return result;
	}

	/**
	 * Tabs through the first elements the keyboard reaches and reads their focus rings.
	 */
	private List<Object> focusRings(JavascriptExecutor js) {
		js.executeScript("if (document.activeElement) { document.activeElement.blur(); } window.scrollTo(0, 0);");
		List<Object> rings = new ArrayList<>();
		for (int i = 0; i < 25; i++) {
			new Actions(this.browser).sendKeys(Keys.TAB).perform();
			Object ring = js.executeScript("return window.__nexusContrast.focusRing();");
			if (ring != null) {
				rings.add(ring);
			}
		}
		return rings;
	}

	private String task(String title, String category, String... extra) {
		StringBuilder json = new StringBuilder("{\"title\":\"" + title + "\"");
		if (category != null) {
			json.append(",\"category\":\"").append(category).append("\"");
		}
		for (String field : extra) {
			json.append(",").append(field);
		}
		return this.api.post("/api/tasks", json.append("}").toString()).field("id");
	}

}
