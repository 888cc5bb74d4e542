package io.nexus.server.shared;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * Where a page starts and how long it is. The cursor is opaque to clients: the base64url
 * form of the last row's sequence number.
 *
 * @param limit the page size, 1 to {@link #MAX_LIMIT}
 * @param afterSeq the sequence number below which the page starts, or {@code null} for
 * the first page
 */
public record PageRequest(int limit, @Nullable Long afterSeq) {

	/** The page size when none is given. */
	public static final int DEFAULT_LIMIT = 50;

	/** The largest page a client may ask for. */
	public static final int MAX_LIMIT = 500;

	private static final String PREFIX = "s:";

	/**
	 * Parses the query parameters of a list request.
	 * @param limit the requested size, or {@code null} for the default
	 * @param cursor the cursor of a previous page, or {@code null}
	 * @return the request
	 * @throws InvalidRequestException if the limit is out of range or the cursor is not
	 * one that Nexus issued
	 */
	public static PageRequest of(@Nullable Integer limit, @Nullable String cursor) {
		int size = (limit != null) ? limit : DEFAULT_LIMIT;
		if (size < 1 || size > MAX_LIMIT) {
			throw InvalidRequestException.badRequest("invalid_limit",
					"limit must be between 1 and " + MAX_LIMIT + ", was " + size);
		}
		return new PageRequest(size, (cursor != null && !cursor.isEmpty()) ? decode(cursor) : null);
	}

	/**
	 * The cursor that continues after the row with the given sequence number.
	 * @param seq the last row's sequence number
	 * @return the opaque cursor
	 */
	public static String cursorAfter(long seq) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + seq).getBytes(StandardCharsets.UTF_8));
	}

	private static Long decode(String cursor) {
		try {
			String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
			if (text.startsWith(PREFIX)) {
				return Long.parseLong(text.substring(PREFIX.length()));
			}
		}
		catch (IllegalArgumentException ex) {
			// fall through to the uniform message below
		}
		throw InvalidRequestException.badRequest("invalid_cursor", "cursor is not one that this server issued");
	}

}
