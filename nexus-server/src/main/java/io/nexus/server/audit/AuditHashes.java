package io.nexus.server.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import io.nexus.server.shared.Hashing;

import org.jspecify.annotations.Nullable;

/**
 * The hash of an audit event: SHA-256 (lower-case hex) over a canonical encoding of its
 * position, time, fields and the hash of the event before it.
 * <p>
 * The encoding is {@code nexus-audit-v1} followed by, for each of {@code seq},
 * {@code occurred_at} (microseconds since the epoch), {@code action}, {@code actor},
 * {@code target}, {@code address}, {@code outcome}, {@code detail} and {@code prev_hash},
 * a newline and either {@code -} (null) or the value's length in UTF-16 code units,
 * {@code :}, and the value. Lengths make it unambiguous whatever the values contain.
 */
final class AuditHashes {

	/** The {@code prev_hash} of the first event of a chain that was never pruned. */
	static final String GENESIS = "0".repeat(64);

	private AuditHashes() {
	}

	/**
	 * The time as stored: both databases keep microseconds.
	 * @param instant a time
	 * @return the time truncated to microseconds
	 */
	static Instant stored(Instant instant) {
		return instant.truncatedTo(ChronoUnit.MICROS);
	}

	static String hash(AuditEntry entry, long seq, String prevHash) {
		Instant at = stored(entry.occurredAt());
		long micros = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
		StringBuilder text = new StringBuilder("nexus-audit-v1");
		field(text, Long.toString(seq));
		field(text, Long.toString(micros));
		field(text, entry.action());
		field(text, entry.actor());
		field(text, entry.target());
		field(text, entry.address());
		field(text, entry.outcome());
		field(text, entry.detail());
		field(text, prevHash);
		return Hashing.sha256Hex(text.toString());
	}

	private static void field(StringBuilder text, @Nullable String value) {
		text.append('\n');
		if (value == null) {
			text.append('-');
		}
		else {
			text.append(value.length()).append(':').append(value);
		}
	}

}
