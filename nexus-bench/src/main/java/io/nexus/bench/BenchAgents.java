package io.nexus.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.nexus.sdk.NexusAgent;
import io.nexus.sdk.TaskContext;
import tools.jackson.databind.JsonNode;

/**
 * The SDK agents of a load run. Their handler notes when it starts (the moment the task
 * reached the agent), then returns at once or after the configured work time.
 */
final class BenchAgents implements AutoCloseable {

	private final List<NexusAgent> agents = new ArrayList<>();

	private final Sink sink;

	private final long workMillis;

	private BenchAgents(Sink sink, long workMillis) {
		this.sink = sink;
		this.workMillis = workMillis;
	}

	/**
	 * Registers the agents of an open-loop run over REST, starts them and waits until all
	 * are registered.
	 */
	static BenchAgents start(NexusApi api, LoadSettings settings, Measurements measurements)
			throws IOException, InterruptedException {
		return start(api, settings.agents(), settings.concurrency(), settings.work(),
				(payload, now) -> measurements.seen(TaskBodies.seq(payload), TaskBodies.sentAtNanos(payload), now));
	}

	/**
	 * Registers agents over REST, starts them and waits until all are registered.
	 * @param count how many agents
	 * @param concurrency the {@code max_concurrency} of each
	 * @param work how long each handler sleeps
	 * @param sink told when a handler starts
	 * @return the running agents
	 */
	static BenchAgents start(NexusApi api, int count, int concurrency, Duration work, Sink sink)
			throws IOException, InterruptedException {
		BenchAgents agents = new BenchAgents(sink, work.toMillis());
		for (int i = 0; i < count; i++) {
			NexusApi.RegisteredAgent registered = api.registerAgent("bench agent " + i, TaskBodies.CAPABILITY,
					concurrency);
			NexusAgent agent = NexusAgent.builder()
				.serverUri(api.webSocketUri())
				.token(registered.token())
				.agentId(registered.id())
				.capabilities(TaskBodies.CAPABILITY)
				.maxConcurrency(concurrency)
				.drainTimeout(Duration.ofSeconds(5))
				.handler(agents::handle)
				.build();
			agents.agents.add(agent);
			agent.start();
		}
		for (NexusAgent agent : agents.agents) {
			if (!agent.awaitRegistered(Duration.ofSeconds(30))) {
				agents.close();
				throw new IOException("Agent " + agent.agentId() + " did not register within 30 s");
			}
		}
		return agents;
	}

	private Object handle(TaskContext task) throws InterruptedException {
		long now = System.nanoTime();
		this.sink.seen(task.payload(), now);
		if (this.workMillis > 0) {
			Thread.sleep(this.workMillis);
		}
		return null;
	}

	@Override
	public void close() {
		this.agents.parallelStream().forEach(NexusAgent::close);
	}

	/**
	 * Where the handlers report.
	 */
	@FunctionalInterface
	interface Sink {

		/**
		 * A handler started.
		 * @param payload the task's payload
		 * @param nanos {@link System#nanoTime()} at handler start
		 */
		void seen(JsonNode payload, long nanos);

	}

}
