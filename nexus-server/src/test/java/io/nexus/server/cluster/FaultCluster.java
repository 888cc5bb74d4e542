package io.nexus.server.cluster;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import io.nexus.server.support.TestServices;
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

	private final List<NodeProcess> nodes = new ArrayList<>();

	private final List<ApiClient> api = new ArrayList<>();

	private final List<NexusAgent> agents = new ArrayList<>();

	private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

	private FaultCluster(ScratchDatabase database) {
		this.database = database;
	}

	/**
	 * Creates the database and starts the nodes one after the other (the first migrates
	 * the schema).
	 * @param name names the database and the log files under {@code target/fault-logs}
	 * @param count how many nodes
	 * @return the running cluster
	 */
	static FaultCluster start(String name, int count) {
		FaultCluster cluster = new FaultCluster(ScratchDatabase.create("nexus_" + name));
		try {
			Map<String, String> environment = Map.of("DATABASE_URL", cluster.database.url(), "NEXUS_DB_USER",
					TestServices.postgresUser(), "NEXUS_DB_PASSWORD", TestServices.postgresPassword(),
					"NEXUS_ADMIN_PASSWORD", ApiIntegrationTest.ADMIN_PASSWORD);
			Path logs = Path.of("target", "fault-logs", name);
			for (int i = 0; i < count; i++) {
				cluster.nodes.add(NodeProcess.start("node-" + i, environment,
						List.of("--NEXUS_DATA_DIR=" + logs.resolve("data-" + i).toAbsolutePath(),
								"--nexus.cluster.heartbeat-interval=" + HEARTBEAT_INTERVAL.toMillis() + "ms",
								"--nexus.cluster.node-timeout=" + NODE_TIMEOUT.toMillis() + "ms",
								"--nexus.dispatch.reconnect-grace=" + RECONNECT_GRACE.toMillis() + "ms",
								"--nexus.dispatch.ack-timeout=" + ACK_TIMEOUT.toMillis() + "ms",
								"--nexus.dispatch.reaper-interval=500ms", "--nexus.tasks.retry-backoff=100ms",
								"--nexus.tasks.max-retry-backoff=500ms",
								"--spring.datasource.hikari.maximum-pool-size=6",
								"--spring.datasource.hikari.minimum-idle=1"),
						logs));
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
			this.database.close();
		}
	}

}
