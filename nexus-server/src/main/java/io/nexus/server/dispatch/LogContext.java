package io.nexus.server.dispatch;

/**
 * The keys under which Nexus puts agent and task ids into the logging context (MDC); with
 * structured logs ({@code NEXUS_LOG_FORMAT=ecs}) they become fields of each line.
 */
public final class LogContext {

	/** The agent a log line is about. */
	public static final String AGENT_ID = "agent.id";

	/** The task a log line is about. */
	public static final String TASK_ID = "task.id";

	private LogContext() {
	}

}
