package io.nexus.server.dispatch;

import io.nexus.server.agents.Agent;

/**
 * An agent as {@link Eligibility} judges it: its settings plus what it is doing now. A
 * connection on this node ({@link ConnectedAgent}) is one; an agent seen only through the
 * database is {@link #stored}.
 */
public interface Contender {

	/**
	 * The agent's stored settings: status, capabilities, priority score and slots.
	 * @return the agent
	 */
	Agent agent();

	/**
	 * How many tasks it holds now (assigned or in progress).
	 * @return the count
	 */
	int held();

	/**
	 * Whether its connection announced that it is shutting down.
	 * @return {@code true} if it takes no new work for that reason
	 */
	boolean isClosing();

	/**
	 * Whether it holds a connection now.
	 * @return {@code true} if connected
	 */
	boolean connected();

	/**
	 * Its recent success rate.
	 * @return 0 to 1
	 */
	double successRate();

	/**
	 * Its heartbeat round trip, smoothed.
	 * @return milliseconds, 0 when unknown
	 */
	double latencyMillis();

	/**
	 * An agent as the database knows it: connected per its {@code online} flag, never
	 * closing, latency unknown.
	 * @param agent the agent
	 * @param held the tasks it holds now
	 * @param successRate its success rate, 0 to 1
	 * @return the contender
	 */
	static Contender stored(Agent agent, int held, double successRate) {
		return new Stored(agent, held, false, agent.online(), successRate, 0);
	}

	/**
	 * A contender given by its values.
	 *
	 * @param agent the agent
	 * @param held the tasks it holds now
	 * @param isClosing whether it is shutting down
	 * @param connected whether it is connected
	 * @param successRate its success rate, 0 to 1
	 * @param latencyMillis its heartbeat round trip
	 */
	record Stored(Agent agent, int held, boolean isClosing, boolean connected, double successRate,
			double latencyMillis) implements Contender {

	}

}
