package io.nexus.server.shared;

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
	 * Sets or removes a value of this thread's log context.
	 * @param key the key
	 * @param value the value, or {@code null} to remove it
	 * @return the value it replaces, to put back later
	 */
	public static @Nullable String swap(String key, @Nullable String value) {
		String previous = MDC.get(key);
		if (value != null) {
			MDC.put(key, value);
		}
		else {
			MDC.remove(key);
		}
		return previous;
	}

}
