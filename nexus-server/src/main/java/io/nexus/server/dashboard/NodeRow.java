package io.nexus.server.dashboard;

import java.time.Duration;
import java.time.Instant;

import io.nexus.server.cluster.Node;
import io.nexus.server.cluster.NodeMembership;
import io.nexus.server.cluster.NodeState;

/**
 * A node as the nodes page lists it.
 *
 * @param node the node as the {@code nodes} table knows it
 * @param self whether it is the node that rendered the page
 * @param agents online agents whose socket it holds
 * @param late whether it is live but has missed heartbeats (two intervals or more without
 * one): it may be about to be declared dead
 */
record NodeRow(Node node, boolean self, long agents, boolean late) {

	static NodeRow of(NodeMembership.NodeView view, Instant now, Duration lateAfter) {
		Node node = view.node();
		boolean live = node.state() == NodeState.UP || node.state() == NodeState.DRAINING;
		boolean late = live && node.heartbeatAt().plus(lateAfter).isBefore(now);
		return new NodeRow(node, view.self(), view.agents(), late);
	}

	/**
	 * The state as the API names it: {@code up}, {@code draining}, {@code stopped} or
	 * {@code dead}.
	 * @return the state's name
	 */
	public String state() {
		return this.node.state().wireName();
	}

	/**
	 * Whether it still serves: up or draining.
	 * @return whether it is live
	 */
	public boolean live() {
		return this.node.state() == NodeState.UP || this.node.state() == NodeState.DRAINING;
	}

	/**
	 * Whether its heartbeats stopped and another node declared it dead.
	 * @return whether it is dead
	 */
	public boolean dead() {
		return this.node.state() == NodeState.DEAD;
	}

}
