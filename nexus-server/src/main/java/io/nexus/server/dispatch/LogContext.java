package io.nexus.server.dispatch;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The keys under which Nexus puts agent and task ids into the logging context (MDC); with
 * structured logs ({@code NEXUS_LOG_FORMAT=ecs}) they become fields of each line.
 */
public final class LogContext {

	/** The agent a log line is about. */
	public static final String AGENT_ID = "agent.id";

	/** The task a log line is about. */
	public static final String TASK_ID = "task.id";

	/** The trace, under the key Micrometer Tracing uses for the current span. */
	public static final String TRACE_ID = "traceId";

	/** The span, under the key Micrometer Tracing uses for the current span. */
	public static final String SPAN_ID = "spanId";

	private LogContext() {
	}

	/**
	 * Puts back the log context as it was.
	 * @param before a copy of the context, or {@code null} if it was empty
	 */
	public static void restore(@Nullable Map<String, String> before) {
		if (before != null) {
			MDC.setContextMap(before);
		}
		else {
			MDC.clear();
		}
	}

}
