package io.nexus.server.ops;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.nexus.server.NexusApplication;
import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.RequiresPostgres;
import io.nexus.server.support.SdkAgents;
import io.nexus.server.support.TcpProxy;
import io.nexus.server.support.TestServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL goes away while a node runs (the node reaches it through a proxy that the
 * test cuts) and comes back: every request that needs it is answered 503 with
 * {@code Retry-After} within a bound, readiness is DOWN, a result reported meanwhile is
 * kept by the SDK and stored once when the database returns, and the node recovers
 * without a restart.
 */
@Tag("postgres")
@ExtendWith(RequiresPostgres.class)
class PostgresOutageIntegrationTests {

	private static final String PASSWORD = "outage-admin-password";

	/**
	 * How long a request waits for a connection before it is answered 503: 3 s by default
	 * ({@code NEXUS_DB_CONNECTION_TIMEOUT_MS}), shorter here because every answer during
	 * the outage takes that long.
	 */
	private static final Duration CONNECTION_TIMEOUT = Duration.ofMillis(1500);

	/** The default connection timeout plus slack for a loaded machine. */
	private static final Duration ANSWER_BOUND = Duration.ofSeconds(8);

	private TcpProxy proxy;

	private ConfigurableApplicationContext node;

	private ApiClient api;

	/** Every answer other than 503 with a 5xx status seen while polling. */
	private final List<String> serverErrors = new CopyOnWriteArrayList<>();

	@BeforeEach
	void startNode() throws Exception {
		URI postgres = URI.create(TestServices.postgresUrl().substring("jdbc:".length()));
		this.proxy = new TcpProxy(postgres.getHost(), (postgres.getPort() > 0) ? postgres.getPort() : 5432);
		this.proxy.start();
		String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
		String url = "jdbc:postgresql://127.0.0.1:" + this.proxy.port() + postgres.getPath() + "?currentSchema="
				+ schema;
		this.node = new SpringApplicationBuilder(NexusApplication.class).run("--server.port=0",
				"--server.shutdown=immediate", "--spring.datasource.url=" + url,
				"--spring.datasource.username=" + TestServices.postgresUser(),
				"--spring.datasource.password=" + TestServices.postgresPassword(), "--spring.flyway.schemas=" + schema,
				"--spring.flyway.create-schemas=true", "--spring.datasource.hikari.maximum-pool-size=6",
				"--spring.datasource.hikari.connection-timeout=" + CONNECTION_TIMEOUT.toMillis(),
				"--nexus.security.admin-password=" + PASSWORD, "--nexus.security.rate-limit.enabled=false");
		this.api = new ApiClient(port()).login("admin", PASSWORD);
	}

	@AfterEach
	void stopNode() {
		if (this.proxy != null) {
			this.proxy.close();
		}
		if (this.node != null) {
			this.node.close();
		}
	}

	@Test
	void requestsAreAnswered503QuicklyWhileTheDatabaseIsAwayAndTheNodeRecoversOnItsOwn() throws Exception {
		assertThat(this.api.get("/health/readiness").status()).isEqualTo(200);
		assertThat(this.api.post("/api/tasks", "{\"title\":\"before\"}").status()).isEqualTo(201);

		this.proxy.stop();
		await().atMost(Duration.ofSeconds(30)).until(() -> listStatus() == 503);
		for (String[] request : new String[][] { { "GET", "/api/tasks", null }, { "GET", "/api/agents", null },
				{ "POST", "/api/tasks", "{\"title\":\"during\"}" },
				{ "POST", "/api/tasks/batch", "{\"tasks\":[{\"title\":\"a\"},{\"title\":\"b\"}]}" },
				{ "GET", "/status", null } }) {
			long started = System.nanoTime();
			Response response = (request[2] != null)
					? this.api.send(request[0], request[1],
							java.net.http.HttpRequest.BodyPublishers.ofString(request[2]), "application/json")
					: this.api.get(request[1]);
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			assertThat(response.status()).as("%s %s: %s", request[0], request[1], response).isEqualTo(503);
			assertThat(response.isProblem()).isTrue();
			assertThat(response.problemType()).isEqualTo("urn:nexus:problem:service_unavailable");
			assertThat(response.header("Retry-After")).isEqualTo("5");
			assertThat(took).as("time to answer %s %s", request[0], request[1]).isLessThan(ANSWER_BOUND);
		}
		long started = System.nanoTime();
		Response readiness = this.api.withoutToken().get("/health/readiness");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(ANSWER_BOUND);
		assertThat(readiness.status()).isEqualTo(503);
		assertThat(readiness.json().path("status").asString()).isEqualTo("DOWN");
		Response health = this.api.withoutToken().get("/health");
		assertThat(health.status()).isEqualTo(503);
		assertThat(health.json().path("components").path("db").path("status").asString()).isEqualTo("DOWN");
		assertThat(this.api.withoutToken().get("/health/liveness").status()).isEqualTo(200);

		this.proxy.start();
		await().atMost(Duration.ofSeconds(20)).until(() -> listStatus() == 200);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.api.get("/health/readiness").status() == 200);
		assertThat(this.api.post("/api/tasks", "{\"title\":\"after\"}").status()).isEqualTo(201);
		assertThat(this.api.get("/api/tasks").json().path("items").findValuesAsString("title"))
			.containsExactlyInAnyOrder("before", "after");
		assertThat(this.serverErrors).as("5xx other than 503").isEmpty();
	}

	@Test
	void aResultReportedWhileTheDatabaseIsAwayIsStoredOnceWhenItReturns() throws Exception {
		Response registered = this.api.post("/api/agents",
				"{\"name\":\"blip\",\"capabilities\":[\"blip\"],\"max_concurrency\":1}");
		assertThat(registered.status()).as("%s", registered).isEqualTo(201);
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger runs = new AtomicInteger();
		try (SdkAgents agents = new SdkAgents(port())) {
			agents.start(agents.builder(registered.field("id"), registered.field("token"), (context) -> {
				runs.incrementAndGet();
				running.countDown();
				release.await();
				return "survived";
			}, "blip"));
			String task = this.api.post("/api/tasks", "{\"title\":\"blip\",\"category\":\"blip\"}").field("id");
			assertThat(running.await(30, TimeUnit.SECONDS)).as("the handler started").isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> "in_progress".equals(status(task)));

			this.proxy.stop();
			await().atMost(Duration.ofSeconds(30)).until(() -> listStatus() == 503);
			release.countDown();
			// the report is refused while the database is away; give the SDK time to
			// retry
			await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
			this.proxy.start();

			await().atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(status(task)));
			Response done = this.api.get("/api/tasks/" + task);
			assertThat(done.field("result")).isEqualTo("survived");
			assertThat(done.json().get("attempts").asInt()).isEqualTo(1);
			assertThat(this.api.get("/api/tasks/" + task + "/events").json().findValuesAsString("to"))
				.containsOnlyOnce("completed");
			assertThat(runs).as("handler executions").hasValue(1);
			assertThat(this.serverErrors).as("5xx other than 503").isEmpty();
		}
	}

	private int listStatus() {
		Response response = this.api.get("/api/tasks");
		if (response.status() >= 500 && response.status() != 503) {
			this.serverErrors.add(response.toString());
		}
		return response.status();
	}

	private String status(String task) {
		Response response = this.api.get("/api/tasks/" + task);
		if (response.status() >= 500 && response.status() != 503) {
			this.serverErrors.add(response.toString());
		}
		return (response.status() == 200) ? response.field("status") : "unknown";
	}

	private int port() {
		return Integer.parseInt(this.node.getEnvironment().getProperty("local.server.port"));
	}

}
