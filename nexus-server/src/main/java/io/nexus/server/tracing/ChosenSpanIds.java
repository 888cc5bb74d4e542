package io.nexus.server.tracing;

import java.util.function.Supplier;

import io.opentelemetry.sdk.trace.IdGenerator;

/**
 * Random ids, except that the next span started on this thread may be given its id. Nexus
 * records the agent's work as a span under the id the agent chose (and already used as
 * the parent of whatever it traced itself); the OpenTelemetry SDK has no other way to
 * start a span with a given id.
 */
final class ChosenSpanIds implements IdGenerator {

	private static final ThreadLocal<String> chosen = new ThreadLocal<>();

	private final IdGenerator random = IdGenerator.random();

	/**
	 * Starts a span with the given id.
	 * @param <T> the span type
	 * @param spanId 16 lower-case hex digits
	 * @param start starts exactly one span on this thread
	 * @return the span
	 */
	static <T> T withSpanId(String spanId, Supplier<T> start) {
		chosen.set(spanId);
		try {
			return start.get();
		}
		finally {
			chosen.remove();
		}
	}

	@Override
	public String generateSpanId() {
		String id = chosen.get();
		if (id != null) {
			chosen.remove();
			return id;
		}
		return this.random.generateSpanId();
	}

	@Override
	public String generateTraceId() {
		return this.random.generateTraceId();
	}

}
