package io.nexus.server.realtime;

import java.util.List;

import io.nexus.protocol.CloseCode;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.cluster.NodeEvicted;
import io.nexus.server.cluster.NodeMembership;
import io.nexus.server.dispatch.AgentConnections;
import io.nexus.server.dispatch.ConnectedAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * A graceful stop (SIGTERM) hands this node's agents to the other nodes: the node is
 * marked {@code draining}, its agents get no new work, each agent's row is released (its
 * reconnect grace starts) and its connection is closed with
 * {@link io.nexus.protocol.CloseCode#RECONNECT}. Leases stay with their agents: an agent
 * that registers on another node within the grace and lists its running tasks keeps them,
 * with their lease epochs. Registrations that arrive while draining are closed the same
 * way.
 * <p>
 * This runs in an early lifecycle phase, before the web server's graceful shutdown and
 * long before the database pool closes, so that every row is written.
 */
@Component
class NodeHandover implements SmartLifecycle {

	static final String RECONNECT_REASON = "reconnect: this node is shutting down";

	/** Before the web server's graceful shutdown (DEFAULT_PHASE - 1024). */
	private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final Logger logger = LoggerFactory.getLogger(NodeHandover.class);

	private final AgentConnections connections;

	private final AgentRegistry registry;

	private final NodeMembership membership;

	private volatile boolean running;

	private volatile boolean draining;

	NodeHandover(AgentConnections connections, AgentRegistry registry, NodeMembership membership) {
		this.connections = connections;
		this.registry = registry;
		this.membership = membership;
	}

	/**
	 * Starts taking agents; after a {@link #stop()} (an application context that was
	 * stopped and started again, as the test framework does with the contexts it caches),
	 * the node is live again.
	 */
	@Override
	public void start() {
		if (this.draining) {
			this.membership.resumed();
			this.draining = false;
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.draining = true;
		this.running = false;
		try {
			this.membership.draining();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not mark node {} draining: {}", this.membership.nodeId(), ex.getMessage());
		}
		int released = release(RECONNECT_REASON);
		try {
			this.membership.stopped();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not mark node {} stopped: {}", this.membership.nodeId(), ex.getMessage());
		}
		logger.info("Node {} stopped; {} agent(s) were asked to reconnect to another node", this.membership.nodeId(),
				released);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * Whether this node is shutting down and turns registrations away.
	 * @return whether it is draining
	 */
	boolean isDraining() {
		return this.draining;
	}

	@EventListener
	void onEvicted(NodeEvicted event) {
		release("reconnect: this node was declared dead and must register its agents again");
	}

	private int release(String reason) {
		List<ConnectedAgent> agents = List.copyOf(this.connections.all());
		// none of them gets new work from here on
		agents.forEach(ConnectedAgent::closing);
		int released = 0;
		for (ConnectedAgent agent : agents) {
			if (this.connections.disconnect(agent.id(), agent.channel())) {
				released++;
				try {
					this.registry.markOffline(agent.id(), this.membership.nodeId());
				}
				catch (RuntimeException ex) {
					logger.warn("Could not release agent {}: {}; it is released when this node is declared dead",
							agent.id(), ex.getMessage());
				}
			}
			agent.channel().close(CloseCode.RECONNECT.code(), reason);
		}
		return released;
	}

}
