package io.nexus.server.governance;

import java.time.Instant;

/**
 * One version of a placement policy, kept for ever: what it said from when to when.
 *
 * @param policyId the policy
 * @param version the version
 * @param change {@code created}, {@code updated} or {@code deleted}
 * @param definition what it said
 * @param changedBy who made this version
 * @param changedAt when
 */
public record PolicyVersion(String policyId, long version, String change, PlacementPolicy.Definition definition,
		String changedBy, Instant changedAt) {

}
