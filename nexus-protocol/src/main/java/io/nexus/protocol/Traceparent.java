package io.nexus.protocol;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;

import org.jspecify.annotations.Nullable;

/**
 * A W3C trace context ({@code traceparent}, version {@code 00}): the trace a piece of
 * work belongs to and the span it runs under. It travels in {@code task_assigned} and
 * {@code task_complete}. The server, the SDK and the CLI parse and write it the same way,
 * without any tracing library.
 *
 * @param traceId 32 lower-case hex digits, not all zero
 * @param spanId 16 lower-case hex digits, not all zero
 * @param flags the trace flags, two hex digits ({@code 01} when sampled)
 * @see <a href="https://www.w3.org/TR/trace-context/#traceparent-header">W3C Trace
 * Context</a>
 */
public record Traceparent(String traceId, String spanId, String flags) {

	private static final Random random = new SecureRandom();

	private static final String ZERO_TRACE = "0".repeat(32);

	private static final String ZERO_SPAN = "0".repeat(16);

	public Traceparent {
		if (!isHex(traceId, 32) || ZERO_TRACE.equals(traceId)) {
			throw new IllegalArgumentException("trace id must be 32 lower-case hex digits, not all zero");
		}
		if (!isHex(spanId, 16) || ZERO_SPAN.equals(spanId)) {
			throw new IllegalArgumentException("span id must be 16 lower-case hex digits, not all zero");
		}
		if (!isHex(flags, 2)) {
			throw new IllegalArgumentException("flags must be 2 lower-case hex digits");
		}
	}

	/**
	 * Reads a {@code traceparent} value; anything that is not a valid version-00 value
	 * (or a later version's first four fields, as the specification asks) is ignored.
	 * @param value the header or field value, or {@code null}
	 * @return the context, or {@code null} if there is none or it is invalid
	 */
	public static @Nullable Traceparent parse(@Nullable String value) {
		if (value == null || value.length() < 55) {
			return null;
		}
		String version = value.substring(0, 2);
		if (!isHex(version, 2) || "ff".equals(version) || ("00".equals(version) && value.length() != 55)
				|| (value.length() > 55 && value.charAt(55) != '-')) {
			return null;
		}
		if (value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-') {
			return null;
		}
		try {
			return new Traceparent(value.substring(3, 35), value.substring(36, 52), value.substring(53, 55));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * A new context in this trace: a fresh span id, the same trace id and flags. The work
	 * it stands for is a child of this context.
	 * @return the child context
	 */
	public Traceparent child() {
		return new Traceparent(this.traceId, newSpanId(), this.flags);
	}

	/**
	 * Whether the caller sampled the trace (flag bit {@code 01}).
	 * @return {@code true} if sampled
	 */
	public boolean sampled() {
		return (HexFormat.fromHexDigits(this.flags) & 0x01) != 0;
	}

	/**
	 * A random span id, never all zero.
	 * @return 16 lower-case hex digits
	 */
	public static String newSpanId() {
		long id;
		do {
			id = random.nextLong();
		}
		while (id == 0);
		return HexFormat.of().toHexDigits(id);
	}

	/**
	 * The value as it goes on the wire.
	 * @return {@code 00-<trace id>-<span id>-<flags>}
	 */
	@Override
	public String toString() {
		return "00-" + this.traceId + "-" + this.spanId + "-" + this.flags;
	}

	private static boolean isHex(@Nullable String value, int length) {
		if (value == null || value.length() != length) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
				return false;
			}
		}
		return true;
	}

}
