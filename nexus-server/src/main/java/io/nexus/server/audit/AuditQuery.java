package io.nexus.server.audit;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Filters of the audit trail; {@code null} means any.
 *
 * @param actor who did it
 * @param action what happened (exact, or a prefix ending in {@code .})
 * @param target what it was done to
 * @param outcome {@code success}, {@code failure} or {@code denied}
 * @param since events at or after this time
 * @param until events before this time
 */
public record AuditQuery(@Nullable String actor, @Nullable String action, @Nullable String target,
		@Nullable String outcome, @Nullable Instant since, @Nullable Instant until) {

}
