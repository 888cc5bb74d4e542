package io.nexus.server.analytics;

/**
 * An agent's tasks of all time.
 *
 * @param active tasks it holds now (assigned or in progress)
 * @param completed tasks it completed
 * @param failed tasks that failed on it
 */
public record AgentActivity(long active, long completed, long failed) {

	/** No tasks at all. */
	public static final AgentActivity NONE = new AgentActivity(0, 0, 0);

}
