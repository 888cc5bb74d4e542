package io.nexus.server.a2a;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nexus.server.security.Role;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;

/**
 * The rules every A2A request meets, whatever its binding (JSON-RPC or HTTP+JSON): the
 * version it speaks, the size of its body and the role its writes need.
 */
final class A2aRequests {

	static final String VERSION_HEADER = "A2A-Version";

	static final String VERSION = "1.0";

	/** What a request without {@code A2A-Version} speaks, as the specification says. */
	private static final String ABSENT_VERSION = "0.3";

	private A2aRequests() {
	}

	/**
	 * {@code A2A-Version}: 1.0 (or 1.0.x) is spoken; a request without it speaks 0.3, as
	 * the specification says, which this server does not.
	 * @param header the header's value
	 * @throws A2aError {@code VersionNotSupported} for any other version
	 */
	static void checkVersion(@Nullable String header) {
		String version = (header == null || header.isBlank()) ? ABSENT_VERSION : header.strip();
		String[] segments = version.split("\\.");
		boolean supported = segments.length >= 1 && segments.length <= 3 && "1".equals(segments[0])
				&& (segments.length == 1 || "0".equals(segments[1]));
		if (!supported) {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("requestedVersion", shorten(version));
			data.put("supportedVersions", List.of(VERSION));
			throw new A2aError(A2aError.VERSION_NOT_SUPPORTED, "A2A version '" + shorten(version)
					+ "' is not supported; this server speaks " + VERSION + " (send the header A2A-Version: 1.0)",
					data);
		}
	}

	/**
	 * The body, read up to one byte more than the limit, so that the caller can tell an
	 * oversized body from one that fits.
	 * @param in the body
	 * @param maxBytes the limit
	 * @return at most {@code maxBytes + 1} bytes
	 * @throws IOException when the client goes away
	 */
	static byte[] read(InputStream in, int maxBytes) throws IOException {
		return in.readNBytes(maxBytes + 1);
	}

	/**
	 * The error of a body over {@code nexus.a2a.max-request-bytes}.
	 * @param maxBytes the limit
	 * @return the error
	 */
	static A2aError tooLarge(int maxBytes) {
		return new A2aError(A2aError.INVALID_REQUEST, "The request is larger than " + maxBytes + " bytes",
				Map.of("maxBytes", maxBytes));
	}

	/**
	 * Whether the caller may send messages and cancel tasks: operators and admins, as for
	 * {@code POST /api/tasks}.
	 * @param caller the caller
	 * @return {@code true} for the operator and admin roles
	 */
	static boolean writer(Authentication caller) {
		return Role.of(caller.getAuthorities())
			.map((role) -> role == Role.OPERATOR || role == Role.ADMIN)
			.orElse(false);
	}

	static String shorten(String value) {
		return (value.length() > 80) ? value.substring(0, 80) + "…" : value;
	}

}
