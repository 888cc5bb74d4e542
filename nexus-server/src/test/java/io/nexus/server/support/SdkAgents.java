package io.nexus.server.support;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.nexus.sdk.NexusAgent;
import io.nexus.sdk.NexusAgentBuilder;
import io.nexus.sdk.TaskHandler;

/**
 * Starts real SDK agents against a test server and stops them all at the end.
 */
public final class SdkAgents implements AutoCloseable {

	private final int port;

	private final List<NexusAgent> started = new ArrayList<>();

	public SdkAgents(int port) {
		this.port = port;
	}

	public NexusAgentBuilder builder(String agentId, String token, TaskHandler handler, String... capabilities) {
		return NexusAgent.builder()
			.serverUri(URI.create("ws://localhost:" + this.port + "/ws"))
			.token(token)
			.agentId(agentId)
			.capabilities(capabilities)
			.handler(handler)
			.reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
			.drainTimeout(Duration.ofSeconds(10));
	}

	/**
	 * Builds, starts and waits for the registration of an agent.
	 * @param builder the configured builder
	 * @return the registered agent
	 */
	public NexusAgent start(NexusAgentBuilder builder) {
		NexusAgent agent = builder.build();
		this.started.add(agent);
		agent.start();
		try {
			if (!agent.awaitRegistered(Duration.ofSeconds(15))) {
				throw new AssertionError("agent " + agent.agentId() + " did not register");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
		return agent;
	}

	@Override
	public void close() {
		for (NexusAgent agent : this.started) {
			agent.kill();
		}
	}

}
