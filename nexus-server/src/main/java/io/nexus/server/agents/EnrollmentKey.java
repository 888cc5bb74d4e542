package io.nexus.server.agents;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A key that lets agents register themselves, limited to the capabilities an admin
 * allowed.
 *
 * @param id the key's id
 * @param name what it is for
 * @param capabilities the capabilities an agent enrolled with it may claim
 * @param maxUses how many agents it may enroll ({@code null}: no limit)
 * @param uses how many it has enrolled
 * @param expiresAt when it stops working ({@code null}: never)
 * @param revoked whether an admin revoked it
 * @param createdBy who made it
 * @param createdAt when
 */
public record EnrollmentKey(String id, String name, List<String> capabilities, @Nullable Integer maxUses, int uses,
		@Nullable Instant expiresAt, boolean revoked, String createdBy, Instant createdAt) {

	boolean usableAt(Instant now) {
		return !this.revoked && (this.expiresAt == null || now.isBefore(this.expiresAt))
				&& (this.maxUses == null || this.uses < this.maxUses);
	}

}
