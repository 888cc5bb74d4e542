package io.nexus.protocol.frames;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A sign of life, with resource use and the tasks running now.
 *
 * @param type always {@value #TYPE}
 * @param id optional frame id
 * @param cpuUsage CPU use, percent
 * @param memoryUsage memory use, percent
 * @param runningTasks ids of the tasks the agent runs
 * @param sentAt the agent's clock when sent, epoch milliseconds (for round-trip time)
 */
public record Heartbeat(String type, @Nullable String id, @Nullable Double cpuUsage, @Nullable Double memoryUsage,
		@Nullable List<String> runningTasks, @Nullable Long sentAt) implements AgentFrame {

	/** The wire name. */
	public static final String TYPE = "heartbeat";

}
