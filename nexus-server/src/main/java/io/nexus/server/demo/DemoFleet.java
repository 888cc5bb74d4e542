package io.nexus.server.demo;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.nexus.protocol.TaskPriority;
import io.nexus.sdk.NexusAgent;
import io.nexus.sdk.NonRetryableTaskException;
import io.nexus.sdk.TaskContext;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.agents.NewAgent;
import io.nexus.server.tasks.NewTask;
import io.nexus.server.tasks.TaskService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Starts simulated agents with the real Java SDK over real WebSockets to this server, and
 * creates a demo task every few seconds. Agents work for a few seconds with progress
 * reports; about one task in twenty fails and is retried.
 */
@Component
@ConditionalOnProperty(name = "nexus.demo.enabled", havingValue = "true")
class DemoFleet implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(DemoFleet.class);

	private static final List<List<String>> CAPABILITIES = List.of(List.of("automation", "frontend"),
			List.of("backend", "automation"), List.of("data", "ml"), List.of("ops", "automation"),
			List.of("frontend", "design"), List.of("backend", "data"), List.of("ml", "gpu"),
			List.of("ops", "security"));

	private static final List<String[]> WORK = List.of(new String[] { "Fix Authentication Bug", "frontend" },
			new String[] { "Rebuild search index", "data" }, new String[] { "Rotate TLS certificates", "ops" },
			new String[] { "Summarise support tickets", "ml" }, new String[] { "Run nightly ETL", "data" },
			new String[] { "Refactor payment API", "backend" }, new String[] { "Scan dependencies", "security" },
			new String[] { "Generate release notes", "automation" }, new String[] { "Resize product images", "design" },
			new String[] { "Retrain ranking model", "gpu" });

	private final AgentRegistry registry;

	private final TaskService tasks;

	private final DemoProperties properties;

	private final Environment environment;

	private final List<NexusAgent> agents = new ArrayList<>();

	private volatile boolean running;

	DemoFleet(AgentRegistry registry, TaskService tasks, DemoProperties properties, Environment environment) {
		this.registry = registry;
		this.tasks = tasks;
		this.properties = properties;
		this.environment = environment;
	}

	@EventListener(ApplicationReadyEvent.class)
	void startAgents() {
		String port = this.environment.getProperty("local.server.port", "4100");
		boolean tls = this.environment.getProperty("server.ssl.enabled", Boolean.class, false);
		URI uri = URI.create((tls ? "wss" : "ws") + "://localhost:" + port + "/ws");
		int count = Math.max(1, Math.min(this.properties.agents(), CAPABILITIES.size()));
		for (int i = 0; i < count; i++) {
			AgentId id = new AgentId("demo-agent-" + (i + 1));
			List<String> capabilities = CAPABILITIES.get(i);
			String token = this.registry.find(id).isPresent() ? this.registry.rotateToken(id) : this.registry
				.register(new NewAgent(id, "Demo agent " + (i + 1), capabilities, 10 + i, 2, Map.of("demo", "true")))
				.token();
			NexusAgent agent = NexusAgent.builder()
				.serverUri(uri)
				.token(token)
				.agentId(id.value())
				.name("Demo agent " + (i + 1))
				.capabilities(capabilities.toArray(String[]::new))
				.maxConcurrency(2)
				.handler(DemoFleet::work)
				.build();
			agent.start();
			this.agents.add(agent);
		}
		logger.info("Demo mode: {} simulated agents connect to {}; a task arrives every {}", count, uri,
				this.properties.taskInterval());
	}

	@Scheduled(fixedDelayString = "${nexus.demo.task-interval:2s}", initialDelay = 3000)
	void createTask() {
		if (!this.running || this.agents.isEmpty()) {
			return;
		}
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String[] work = WORK.get(random.nextInt(WORK.size()));
		TaskPriority priority = TaskPriority.values()[random.nextInt(TaskPriority.values().length)];
		this.tasks.create(new NewTask(null, work[0], "Created by demo mode", priority, work[1], null, List.of(),
				"{\"demo\":true,\"size\":" + random.nextInt(1, 100) + "}", 1 + random.nextInt(10), 3, 120, null),
				"demo");
	}

	private static Object work(TaskContext context) throws Exception {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int steps = 4 + random.nextInt(6);
		for (int step = 1; step <= steps; step++) {
			context.throwIfCancelled();
			Thread.sleep(300 + random.nextInt(700));
			context.progress(100.0 * step / steps, "step " + step + " of " + steps);
		}
		if (random.nextInt(20) == 0) {
			if (random.nextBoolean()) {
				throw new NonRetryableTaskException("simulated permanent failure");
			}
			throw new IllegalStateException("simulated transient failure");
		}
		return Map.of("ok", true, "steps", steps, "took_ms", Duration.ofMillis(steps * 650L).toMillis());
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.agents.forEach(NexusAgent::kill);
		this.agents.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stop the agents before the web server goes, so that they do not try to reconnect.
	 */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

}
