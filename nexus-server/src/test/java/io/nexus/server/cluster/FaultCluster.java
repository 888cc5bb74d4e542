package io.nexus.server.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.nexus.sdk.NexusAgent;
import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.NodeProcess;
import io.nexus.server.support.ScratchDatabase;
import io.nexus.server.support.TcpProxy;
import io.nexus.server.support.TestServices;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nexus nodes in JVMs of their own on a PostgreSQL database of their own, and real SDK
 * agents that know every node's URL, each preferring one node so that they are spread
 * over all of them. Every handler execution is counted per task id. Timeouts are short so
 * that a dead node is found within seconds.
 */
final class FaultCluster implements AutoCloseable {

	static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(500);

	static final Duration NODE_TIMEOUT = Duration.ofSeconds(3);

	static final Duration RECONNECT_GRACE = Duration.ofSeconds(4);

	static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);

	private final ScratchDatabase database;

	private final @Nullable TcpProxy proxy;

	private final List<NodeProcess> nodes = new ArrayList<>();

	private final List<ApiClient> api = new ArrayList<>();

	private final List<NexusAgent> agents = new ArrayList<>();

	private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

	private FaultCluster(ScratchDatabase database, @Nullable TcpProxy proxy) {
		this.database = database;
		this.proxy = proxy;
	}

	/**
	 * Creates the database and starts the nodes one after the other (the first migrates
	 * the schema).
	 * @param name names the database and the log files under {@code target/fault-logs}
	 * @param count how many nodes
	 * @param throughProxy whether the nodes reach PostgreSQL through a {@link TcpProxy}
	 * that the test can cut ({@link #proxy()})
	 * @param extra settings for every node ({@code name=value}) that replace the defaults
	 * here
	 * @return the running cluster
	 */
	static FaultCluster start(String name, int count, boolean throughProxy, String... extra) {
		ScratchDatabase database = ScratchDatabase.create("nexus_" + name);
		FaultCluster cluster = new FaultCluster(database, throughProxy ? proxyTo(database.url()) : null);
		try {
			String url = (cluster.proxy != null)
					? database.url().replaceFirst("//[^/]+/", "//localhost:" + cluster.proxy.port() + "/")
					: database.url();
			Map<String, String> environment = Map.of("DATABASE_URL", url, "NEXUS_DB_USER", TestServices.postgresUser(),
					"NEXUS_DB_PASSWORD", TestServices.postgresPassword(), "NEXUS_ADMIN_PASSWORD",
					ApiIntegrationTest.ADMIN_PASSWORD);
			Path logs = Path.of("target", "fault-logs", name);
			Map<String, String> settings = new LinkedHashMap<>();
			settings.put("nexus.cluster.heartbeat-interval", HEARTBEAT_INTERVAL.toMillis() + "ms");
			settings.put("nexus.cluster.node-timeout", NODE_TIMEOUT.toMillis() + "ms");
			settings.put("nexus.dispatch.reconnect-grace", RECONNECT_GRACE.toMillis() + "ms");
			settings.put("nexus.dispatch.ack-timeout", ACK_TIMEOUT.toMillis() + "ms");
			settings.put("nexus.dispatch.reaper-interval", "500ms");
			settings.put("nexus.tasks.retry-backoff", "100ms");
			settings.put("nexus.tasks.max-retry-backoff", "500ms");
			settings.put("spring.datasource.hikari.maximum-pool-size", "6");
			settings.put("spring.datasource.hikari.minimum-idle", "1");
			for (String setting : extra) {
				// a property given twice on the command line would be read as a list
				settings.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
			}
			for (int i = 0; i < count; i++) {
				List<String> arguments = new ArrayList<>();
				arguments.add("--NEXUS_DATA_DIR=" + logs.resolve("data-" + i).toAbsolutePath());
				settings.forEach((key, value) -> arguments.add("--" + key + "=" + value));
				cluster.nodes.add(NodeProcess.start("node-" + i, environment, arguments, logs));
			}
			ApiClient first = new ApiClient(cluster.nodes.get(0).port()).login("admin",
					ApiIntegrationTest.ADMIN_PASSWORD);
			for (NodeProcess node : cluster.nodes) {
				// the signing key is in the database: one token serves every node
				cluster.api.add(new ApiClient(node.port()).withToken(first.token()));
			}
			return cluster;
		}
		catch (RuntimeException | Error ex) {
			cluster.close();
			throw ex;
		}
	}

	/**
	 * Registers and starts agents; agent {@code i} connects to node {@code i % nodes}
	 * first and knows the others as fallbacks. Each handler counts its execution and
	 * works 100 to 400 ms.
	 * @param count how many agents
	 * @param concurrency tasks per agent at once
	 * @param capability their capability
	 */
	void startAgents(int count, int concurrency, String capability) {
		for (int i = 0; i < count; i++) {
			Response registered = this.api.get(0)
				.post("/api/agents", "{\"name\":\"" + capability + "-" + i + "\",\"capabilities\":[\"" + capability
						+ "\"],\"max_concurrency\":" + concurrency + "}");
			assertThat(registered.status()).as(registered.body()).isEqualTo(201);
			List<URI> servers = new ArrayList<>();
			for (int n = 0; n < this.nodes.size(); n++) {
				servers.add(this.nodes.get((i + n) % this.nodes.size()).webSocketUri());
			}
			NexusAgent agent = NexusAgent.builder()
				.serverUris(servers)
				.agentId(registered.field("id"))
				.token(registered.field("token"))
				.capabilities(capability)
				.maxConcurrency(concurrency)
				.reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
				.drainTimeout(Duration.ofSeconds(10))
				.handler((context) -> {
					this.executions.computeIfAbsent(context.taskId(), (id) -> new AtomicInteger()).incrementAndGet();
					long until = System.nanoTime()
							+ Duration.ofMillis(ThreadLocalRandom.current().nextInt(100, 400)).toNanos();
					while (System.nanoTime() < until) {
						context.throwIfCancelled();
						// simulated work, not a wait for an asynchronous result
						Thread.sleep(10);
					}
					return Map.of("done", true);
				})
				.build();
			this.agents.add(agent);
			agent.start();
		}
		for (NexusAgent agent : this.agents) {
			try {
				assertThat(agent.awaitRegistered(Duration.ofSeconds(30))).as(agent.agentId()).isTrue();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

	NodeProcess node(int index) {
		return this.nodes.get(index);
	}

	List<ApiClient> api() {
		return List.copyOf(this.api);
	}

	List<NexusAgent> agents() {
		return List.copyOf(this.agents);
	}

	ScratchDatabase database() {
		return this.database;
	}

	/**
	 * The proxy between the nodes and PostgreSQL.
	 * @return the proxy
	 */
	TcpProxy proxy() {
		if (this.proxy == null) {
			throw new IllegalStateException("the cluster was started without a proxy");
		}
		return this.proxy;
	}

	private static TcpProxy proxyTo(String jdbcUrl) {
		URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
		try {
			TcpProxy proxy = new TcpProxy(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 5432);
			proxy.start();
			return proxy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The id of the node's current run, as it lists itself in {@code GET /api/nodes}.
	 * @param index the node
	 * @return its id
	 */
	String nodeId(int index) {
		JsonNode items = this.api.get(index).get("/api/nodes").json().get("items");
		for (JsonNode item : items) {
			if (item.get("self").asBoolean()) {
				return item.get("id").asString();
			}
		}
		throw new AssertionError("node " + index + " does not list itself: " + items);
	}

	/**
	 * Handler executions per task id so far.
	 * @return task id to executions
	 */
	Map<String, Integer> executions() {
		Map<String, Integer> copy = new ConcurrentHashMap<>();
		this.executions.forEach((task, count) -> copy.put(task, count.get()));
		return copy;
	}

	int totalExecutions() {
		return this.executions.values().stream().mapToInt(AtomicInteger::get).sum();
	}

	@Override
	public void close() {
		try {
			this.agents.forEach(NexusAgent::kill);
			this.nodes.forEach(NodeProcess::close);
		}
		finally {
			if (this.proxy != null) {
				this.proxy.close();
			}
			this.database.close();
		}
	}

}
