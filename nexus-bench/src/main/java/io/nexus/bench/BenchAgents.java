package io.nexus.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.nexus.sdk.NexusAgent;
import io.nexus.sdk.TaskContext;

/**
 * The SDK agents of a load run. Their handler notes when it starts (the moment the task
 * reached the agent), then returns at once or after the configured work time.
 */
final class BenchAgents implements AutoCloseable {

	private final List<NexusAgent> agents = new ArrayList<>();

	private final Measurements measurements;

	private final long workMillis;

	private BenchAgents(Measurements measurements, long workMillis) {
		this.measurements = measurements;
		this.workMillis = workMillis;
	}

	/**
	 * Registers the agents over REST, starts them and waits until all are registered.
	 */
	static BenchAgents start(NexusApi api, LoadSettings settings, Measurements measurements)
			throws IOException, InterruptedException {
		BenchAgents agents = new BenchAgents(measurements, settings.work().toMillis());
		for (int i = 0; i < settings.agents(); i++) {
			NexusApi.RegisteredAgent registered = api.registerAgent("bench agent " + i, TaskBodies.CAPABILITY,
					settings.concurrency());
			NexusAgent agent = NexusAgent.builder()
				.serverUri(api.webSocketUri())
				.token(registered.token())
				.agentId(registered.id())
				.capabilities(TaskBodies.CAPABILITY)
				.maxConcurrency(settings.concurrency())
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
		this.measurements.seen(TaskBodies.seq(task.payload()), TaskBodies.sentAtNanos(task.payload()), now);
		if (this.workMillis > 0) {
			Thread.sleep(this.workMillis);
		}
		return null;
	}

	@Override
	public void close() {
		this.agents.parallelStream().forEach(NexusAgent::close);
	}

}
