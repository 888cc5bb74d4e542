package io.nexus.server.dashboard;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.nexus.server.agents.AgentSamples;
import io.nexus.server.cluster.Node;
import io.nexus.server.cluster.NodeMembership;
import io.nexus.server.cluster.NodeState;
import io.nexus.server.cluster.persistence.NodeRepository;
import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import io.nexus.server.support.SdkAgents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real browser: an operator registers an agent and creates a task in
 * the forms, and watches the task get assigned and completed without reloading; themes;
 * escaping; a viewer's read-only view; the nodes page following a node that joins and
 * dies.
 */
class DashboardBrowserIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private AgentSamples samples;

	@Autowired
	private NodeRepository nodes;

	@Autowired
	private NodeMembership membership;

	private WebDriver browser;

	private String base;

	@BeforeEach
	void openBrowser() {
		// the admin's theme is remembered on the server, and other classes sharing this
		// server (the contrast audit) switch it: start each test from the default
		this.api.put("/api/users/me/preferences", "{\"theme\":\"modern\"}");
		this.browser = Browsers.start(1280, 800);
		this.base = "http://localhost:" + this.port;
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void operatorRegistersAgentCreatesTaskAndWatchesItCompleteLive() throws Exception {
		Browsers.logIn(this.browser, this.base, "admin", ADMIN_PASSWORD);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));
		// the server may be shared with other test classes: compare with what was there
		long completedBefore = number("kpi-completed");
		this.browser.get(this.base + "/analytics");
		long analyticsBefore = number("an-completed");

		this.browser.get(this.base + "/agents");
		this.browser.findElement(By.id("a-name")).sendKeys("Browser agent");
		this.browser.findElement(By.id("a-id")).sendKeys("browser-agent");
		this.browser.findElement(By.id("a-capabilities")).sendKeys("browser, e2e");
		// the test server is shared: queued tasks of other classes that need no
		// capability
		// (older, so aged above ours) may reach this agent first; free slots keep ours
		// from waiting behind them
		this.browser.findElement(By.id("a-concurrency")).clear();
		this.browser.findElement(By.id("a-concurrency")).sendKeys("20");
		this.browser.findElement(By.cssSelector("#register-form button[type=submit]")).click();
		WebElement tokenField = await().atMost(Duration.ofSeconds(10))
			.until(() -> this.browser.findElements(By.id("agent-token")), (found) -> !found.isEmpty())
			.get(0);
		String token = tokenField.getDomProperty("value");
		assertThat(token).startsWith("nxa_");
		assertThat(this.browser.findElement(By.id("snippet-java")).getText()).contains(token, "browser-agent");
		assertThat(this.browser.findElement(By.id("snippet-js")).getText()).contains(token, "agent_register");
		this.browser.navigate().refresh();
		assertThat(this.browser.findElements(By.id("agent-token"))).as("the token is shown once").isEmpty();

		this.browser.get(this.base + "/tasks");
		this.browser.findElement(By.id("t-title")).sendKeys("Render the landing page");
		new Select(this.browser.findElement(By.id("t-priority"))).selectByValue("high");
		this.browser.findElement(By.id("t-category")).sendKeys("browser");
		this.browser.findElement(By.id("t-estimate")).sendKeys("2");
		this.browser.findElement(By.id("t-payload")).sendKeys("{\"url\": \"https://example.com\"}");
		this.browser.findElement(By.id("create-task")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getCurrentUrl().contains("/tasks/task_"));
		// the live region may be swapped while it is read (other classes' agents come and
		// go on the shared server), so read until a whole region was seen
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(text("task-status")).isEqualTo("queued"));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(text("waiting-reason")).containsAnyOf("no agent is connected",
					"no connected agent has"));
		((JavascriptExecutor) this.browser).executeScript("window.nexusNoReload = true;");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "live".equals(this.browser.findElement(By.id("live-status")).getDomAttribute("data-state")));

		CountDownLatch release = new CountDownLatch(1);
		try (SdkAgents agents = new SdkAgents(this.port)) {
			agents.start(agents.builder("browser-agent", token, (task) -> {
				task.progress(50, "halfway");
				release.await(20, TimeUnit.SECONDS);
				return Map.of("pages", 3);
			}, "browser", "e2e"));
			await().atMost(Duration.ofSeconds(10)).until(() -> text("task-status").equals("in progress"));
			// live regions are swapped as the task moves: read them between swaps
			await().atMost(Duration.ofSeconds(10)).until(() -> text("task-agent").equals("browser-agent"));
			await().atMost(Duration.ofSeconds(10)).until(() -> text("task-reason").contains("browser-agent"));
			release.countDown();
			await().atMost(Duration.ofSeconds(10)).until(() -> text("task-status").equals("completed"));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> text("task-result").contains("\"pages\"") && text("task-result").contains("3"));
			// the timeline is a live region: read it between swaps
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				String timeline = text("timeline");
				return timeline.contains("assigned") && timeline.contains("in progress")
						&& timeline.contains("completed");
			});
			assertThat(((JavascriptExecutor) this.browser).executeScript("return window.nexusNoReload === true;"))
				.as("updated without a reload")
				.isEqualTo(true);

			this.browser.get(this.base + "/agents");
			WebElement row = this.browser.findElement(By.cssSelector("tr[data-agent-id='browser-agent']"));
			assertThat(row.findElement(By.cssSelector("[data-agent-online]")).getText()).isEqualTo("online");
			assertThat(row.getText()).contains("100%");
		}

		this.browser.get(this.base + "/analytics");
		// the test server is shared, so other classes' agents may complete tasks
		// meanwhile
		assertThat(number("an-completed")).isGreaterThanOrEqualTo(analyticsBefore + 1);
		assertThat(text("an-rate")).endsWith("%");
		// live regions may be swapped while read: read them through text(), which retries
		await().atMost(Duration.ofSeconds(10)).until(() -> text("durations").contains("browser"));
		await().atMost(Duration.ofSeconds(10)).until(() -> text("agent-stats").contains("browser-agent"));
		this.browser.get(this.base + "/");
		assertThat(number("kpi-completed")).isGreaterThanOrEqualTo(completedBefore + 1);
	}

	@Test
	void overviewFollowsAgentsAndTasksLive() {
		Browsers.logIn(this.browser, this.base, "admin", ADMIN_PASSWORD);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "live".equals(this.browser.findElement(By.id("live-status")).getDomAttribute("data-state")));
		long waiting = number("kpi-waiting");
		this.api.post("/api/tasks", "{\"title\":\"Live one\",\"category\":\"nobody\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> number("kpi-waiting") == waiting + 1);
	}

	@Test
	void nodesPageFollowsANodeThatJoinsAndDiesWithoutAReload() {
		Browsers.logIn(this.browser, this.base, "admin", ADMIN_PASSWORD);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));
		this.browser.findElement(By.cssSelector(".mainnav a[href='/nodes']")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Nodes"));
		assertThat(nodeState(this.membership.nodeId())).isEqualTo("up");
		assertThat(this.browser.findElement(By.cssSelector("tr[data-node-id='" + this.membership.nodeId() + "']"))
			.getText()).containsIgnoringCase("this node");
		((JavascriptExecutor) this.browser).executeScript("window.nexusNoReload = true;");

		Instant now = Instant.now();
		this.nodes.insert(new Node("browser-node", "browser-host:4100", "9.9.9", NodeState.UP, now, now, null));
		// nodes are not on the live stream: the table polls once a heartbeat interval
		await().atMost(Duration.ofSeconds(15)).until(() -> "up".equals(nodeState("browser-node")));
		this.nodes.transition("browser-node", NodeState.UP, NodeState.DEAD, Instant.now());
		await().atMost(Duration.ofSeconds(15)).until(() -> "dead".equals(nodeState("browser-node")));
		WebElement dead = this.browser.findElement(By.cssSelector("tr[data-node-id='browser-node']"));
		assertThat(dead.getDomAttribute("class")).contains("node-dead");
		assertThat(dead.findElement(By.cssSelector("[data-node-state-label]")).getText()).isEqualTo("dead");
		assertThat(((JavascriptExecutor) this.browser).executeScript("return window.nexusNoReload === true;"))
			.as("updated without a reload")
			.isEqualTo(true);
	}

	private String nodeState(String nodeId) {
		try {
			List<WebElement> rows = this.browser.findElements(By.cssSelector("tr[data-node-id='" + nodeId + "']"));
			return rows.isEmpty() ? "" : rows.get(0).getDomAttribute("data-node-state");
		}
		catch (StaleElementReferenceException ex) {
			// the table was swapped between finding and reading
			return "";
		}
	}

	@Test
	void themesSwitchAndAreRememberedPerUser() {
		Browsers.logIn(this.browser, this.base, "admin", ADMIN_PASSWORD);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));
		assertThat(theme()).isEqualTo("modern");
		new Select(this.browser.findElement(By.id("theme-select"))).selectByValue("cyberpunk");
		await().atMost(Duration.ofSeconds(10)).until(() -> "cyberpunk".equals(theme()));
		this.browser.get(this.base + "/tasks");
		assertThat(theme()).isEqualTo("cyberpunk");
		for (String theme : List.of("glassmorphism", "matrix", "modern")) {
			this.browser.get(this.base + "/agents?theme=" + theme);
			assertThat(theme()).isEqualTo(theme);
			this.browser.get(this.base + "/analytics");
			assertThat(theme()).isEqualTo(theme);
		}
	}

	@Test
	void themeFollowsTheUserToAFreshBrowserAndNoOneElse() {
		this.api.post("/api/users",
				"{\"username\":\"theme-dora\",\"password\":\"theme-password-1\",\"role\":\"viewer\"}");
		this.api.post("/api/users",
				"{\"username\":\"theme-eli\",\"password\":\"theme-password-1\",\"role\":\"viewer\"}");
		Browsers.logIn(this.browser, this.base, "theme-dora", "theme-password-1");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));
		new Select(this.browser.findElement(By.id("theme-select"))).selectByValue("matrix");
		await().atMost(Duration.ofSeconds(10)).until(() -> "matrix".equals(theme()));
		this.browser.quit();

		this.browser = Browsers.start(1280, 800);
		Browsers.logIn(this.browser, this.base, "theme-dora", "theme-password-1");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));
		assertThat(theme()).as("a fresh browser, no cookies: the theme comes from the server").isEqualTo("matrix");

		this.browser.manage().deleteAllCookies();
		Browsers.logIn(this.browser, this.base, "theme-eli", "theme-password-1");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));
		assertThat(theme()).isEqualTo("modern");
	}

	@Test
	void agentPageChartsCpuAndMemoryHistoryAndFollowsNewSamples() {
		String token = this.api
			.post("/api/agents", "{\"id\":\"chart-agent\",\"name\":\"Chart agent\",\"capabilities\":[\"c\"]}")
			.field("token");
		try (RawAgent agent = RawAgent.register(this.port, "chart-agent", token)) {
			agent.send("{\"type\":\"heartbeat\",\"cpu_usage\":37,\"memory_usage\":58}");
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				this.samples.flush();
				return this.jdbc.sql("SELECT COUNT(*) FROM agent_samples WHERE agent_id = 'chart-agent'")
					.query(Long.class)
					.single() > 0;
			});
		}
		Browsers.logIn(this.browser, this.base, "admin", ADMIN_PASSWORD);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));
		this.browser.get(this.base + "/agents/chart-agent");
		await().atMost(Duration.ofSeconds(10)).until(() -> chartValues("cpu-chart").contains(37.0));
		assertThat(chartValues("memory-chart")).contains(58.0);

		// a sample from half a minute ago, in an earlier bucket: the charts poll for it
		this.jdbc
			.sql("INSERT INTO agent_samples (agent_id, sampled_at, cpu_percent, memory_percent, active_tasks) "
					+ "VALUES ('chart-agent', :at, 12, 13, 1)")
			.param("at", Instant.now().minusSeconds(30).atOffset(ZoneOffset.UTC))
			.update();
		await().atMost(Duration.ofSeconds(25)).until(() -> chartValues("cpu-chart").contains(12.0));
		assertThat(chartValues("memory-chart")).contains(13.0, 58.0);

		this.browser.findElement(By.cssSelector("#agent-resources a[data-range='7d']")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getCurrentUrl().contains("range=7d"));
		await().atMost(Duration.ofSeconds(10)).until(() -> !chartValues("cpu-chart").isEmpty());
		assertThat(text("resources-title")).contains("last 7 days");
		assertThat(text("sample-count")).isEqualTo("2");
	}

	@SuppressWarnings("unchecked")
	private List<Double> chartValues(String canvasId) {
		Object values = ((JavascriptExecutor) this.browser).executeScript("""
				const chart = window.Chart && Chart.getChart(document.getElementById(arguments[0]));
				return chart ? chart.data.datasets[0].data.filter((v) => v !== null).map(Number) : [];
				""", canvasId);
		return ((List<Object>) values).stream().map((value) -> ((Number) value).doubleValue()).toList();
	}

	@Test
	void userTextIsShownAsText() {
		String hostile = "<script>alert(1)</script>";
		ApiClient.Response created = this.api.post("/api/tasks",
				"{\"title\":\"" + hostile.replace("/", "\\/") + "\",\"description\":\"<img src=x onerror=alert(2)>\"}");
		String id = created.field("id");
		Browsers.logIn(this.browser, this.base, "admin", ADMIN_PASSWORD);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));
		this.browser.get(this.base + "/tasks");
		assertThat(this.browser.findElement(By.cssSelector("tr[data-task-id='" + id + "'] .task-title")).getText())
			.isEqualTo(hostile);
		this.browser.get(this.base + "/tasks/" + id);
		assertThat(text("task-title")).isEqualTo(hostile);
		assertThat(this.browser.getPageSource()).doesNotContain("<img src=x");
		assertThatExceptionOfType(NoAlertPresentException.class).isThrownBy(() -> this.browser.switchTo().alert());
	}

	@Test
	void viewerSeesNoActionsAndCannotActAnyway() {
		this.api.post("/api/users", "{\"username\":\"watcher\",\"password\":\"watcher-pass-123\",\"role\":\"viewer\"}");
		String id = this.api.post("/api/tasks", "{\"title\":\"Look but do not touch\"}").field("id");
		this.api.post("/api/agents", "{\"id\":\"idle-agent\",\"name\":\"Idle\",\"capabilities\":[\"x\"]}");
		Browsers.logIn(this.browser, this.base, "watcher", "watcher-pass-123");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));
		for (String page : List.of("/", "/agents", "/agents/idle-agent", "/tasks", "/tasks/" + id, "/analytics",
				"/nodes")) {
			this.browser.get(this.base + page);
			assertThat(this.browser.findElements(By.cssSelector("main form[method=post], main button.btn-primary")))
				.as("actions on " + page)
				.isEmpty();
		}
		assertThat(this.browser.findElement(By.cssSelector("[data-role]")).getDomProperty("textContent"))
			.isEqualTo("viewer");
		Object status = ((JavascriptExecutor) this.browser).executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				const csrf = document.querySelector('meta[name=_csrf]').content;
				const header = document.querySelector('meta[name=_csrf_header]').content;
				fetch('/tasks/%s/cancel', {method: 'POST', headers: {[header]: csrf}, redirect: 'manual'})
					.then((r) => done(r.status));
				""".formatted(id));
		assertThat(status).isEqualTo(403L);
		assertThat(this.api.get("/api/tasks/" + id).field("status")).isEqualTo("queued");
	}

	@Test
	void twoFactorUsersGiveTheirOneTimeCodeOnTheLoginPage() throws Exception {
		this.api.post("/api/users",
				"{\"username\":\"two-factor\",\"password\":\"two-factor-pass-1\",\"role\":\"viewer\"}");
		ApiClient user = new ApiClient(this.port).login("two-factor", "two-factor-pass-1");
		String secret = user.post("/api/auth/mfa/setup", "").field("secret");
		long step = System.currentTimeMillis() / 30_000;
		assertThat(user.post("/api/auth/mfa/confirm", "{\"code\":\"" + totp(secret, step) + "\"}").status())
			.isEqualTo(200);

		Browsers.logIn(this.browser, this.base, "two-factor", "two-factor-pass-1");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getCurrentUrl().contains("/login?error"));

		this.browser.get(this.base + "/login");
		this.browser.findElement(By.id("username")).sendKeys("two-factor");
		this.browser.findElement(By.id("password")).sendKeys("two-factor-pass-1");
		this.browser.findElement(By.id("code")).sendKeys(totp(secret, step + 1));
		this.browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.browser.getCurrentUrl().contains("/login"));
	}

	/**
	 * RFC 6238 TOTP (HMAC-SHA1, 6 digits) computed independently of the server's code.
	 */
	private static String totp(String base32Secret, long step) throws Exception {
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
		ByteArrayOutputStream key = new ByteArrayOutputStream();
		int buffer = 0;
		int bits = 0;
		for (char c : base32Secret.replace("=", "").toUpperCase(Locale.ROOT).toCharArray()) {
			buffer = (buffer << 5) | alphabet.indexOf(c);
			bits += 5;
			if (bits >= 8) {
				key.write((buffer >> (bits - 8)) & 0xff);
				bits -= 8;
			}
		}
		Mac mac = Mac.getInstance("HmacSHA1");
		mac.init(new SecretKeySpec(key.toByteArray(), "HmacSHA1"));
		byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
		int offset = hash[hash.length - 1] & 0xf;
		int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
				| ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
		return String.format(Locale.ROOT, "%06d", binary % 1_000_000);
	}

	private String text(String id) {
		try {
			List<WebElement> found = this.browser.findElements(By.id(id));
			return found.isEmpty() ? "" : found.get(0).getText().trim();
		}
		catch (StaleElementReferenceException ex) {
			// a live region was swapped between finding and reading
			return "";
		}
	}

	private long number(String id) {
		String value = text(id);
		return value.matches("\\d+") ? Long.parseLong(value) : -1;
	}

	private String theme() {
		return this.browser.findElement(By.tagName("html")).getDomAttribute("data-theme");
	}

}
