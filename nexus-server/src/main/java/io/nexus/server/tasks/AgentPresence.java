package io.nexus.server.tasks;

import io.nexus.server.agents.AgentId;

/**
 * What the tasks module needs to know about live connections, provided by the dispatch
 * module.
 */
public interface AgentPresence {

	/**
	 * Whether the agent holds a connection to this node now.
	 * @param agentId the agent
	 * @return {@code true} if connected
	 */
	boolean isConnected(AgentId agentId);

	/**
	 * Why a queued task is still waiting, in words an operator understands.
	 * @param task a queued task
	 * @return the reason, such as "no connected agent has capability gpu"
	 */
	String whyWaiting(Task task);

}
