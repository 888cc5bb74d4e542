package io.nexus.server.audit;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One event of the audit trail.
 *
 * @param seq its position in the trail
 * @param occurredAt when it happened
 * @param action what happened, such as {@code auth.login} or {@code user.role_changed}
 * @param outcome {@code success}, {@code failure} or {@code denied}
 * @param actor who did it: a user name, {@code agent:<id>}, {@code key:<id>} or
 * {@code anonymous}
 * @param target what it was done to, or {@code null}
 * @param address the client's address, or {@code null} outside a request
 * @param detail a short explanation, never a secret
 * @param prevHash the hash of the event before it in the chain ({@code null} only before
 * it is sealed)
 * @param hash the SHA-256 (hex) of this event and {@code prevHash} ({@code null} only
 * before it is sealed)
 */
public record AuditEntry(long seq, Instant occurredAt, String action, String outcome, String actor,
		@Nullable String target, @Nullable String address, @Nullable String detail, @Nullable String prevHash,
		@Nullable String hash) {

	/**
	 * This event at a position of the chain.
	 * @param seq its position
	 * @param prevHash the hash of the event before
	 * @param hash its own hash
	 * @return the chained event
	 */
	public AuditEntry chained(long seq, String prevHash, String hash) {
		return new AuditEntry(seq, this.occurredAt, this.action, this.outcome, this.actor, this.target, this.address,
				this.detail, prevHash, hash);
	}

}
