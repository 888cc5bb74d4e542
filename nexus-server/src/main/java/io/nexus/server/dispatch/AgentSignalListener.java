package io.nexus.server.dispatch;

import io.nexus.server.agents.AgentId;
import io.nexus.server.tasks.TaskId;

/**
 * Hears what agents do with their tasks, as the server sees it. Beans of this type are
 * told on the threads that see the facts (report writer, reaper, sockets), so they must
 * return at once and hand any I/O to a thread of their own.
 */
public interface AgentSignalListener {

	/**
	 * One fact about an agent.
	 * @param agent the agent
	 * @param signal what it did
	 * @param task the task concerned
	 */
	void signal(AgentId agent, AgentSignal signal, TaskId task);

}
