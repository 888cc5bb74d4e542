package io.nexus.server.audit;

import org.jspecify.annotations.Nullable;

/**
 * The answer of a walk along the audit chain.
 *
 * @param valid whether every event checked links to the one before and matches its hash
 * (and, for a walk to the end, whether the last event is the head)
 * @param rowsChecked how many events were checked
 * @param firstBrokenId the {@code seq} of the first event that does not hold, or
 * {@code null}
 * @param reason why it does not hold, or {@code null}
 * @param fromSeq the first position checked
 * @param toSeq the last position checked
 * @param head the head of the chain: compare it with an exported copy to detect events
 * deleted at the end
 * @param checkpoint where the chain starts after pruning, or {@code null} if it was never
 * pruned
 */
public record AuditVerification(boolean valid, long rowsChecked, @Nullable Long firstBrokenId, @Nullable String reason,
		long fromSeq, long toSeq, Head head, @Nullable Checkpoint checkpoint) {

	/**
	 * The end of the chain.
	 *
	 * @param seq the position of the last event
	 * @param hash its hash
	 */
	public record Head(long seq, String hash) {

	}

	/**
	 * Where the chain starts after pruning.
	 *
	 * @param throughSeq the last pruned position
	 * @param hash the hash of the last pruned event, the {@code prev_hash} of the first
	 * kept
	 * @param prunedAt when
	 */
	public record Checkpoint(long throughSeq, String hash, java.time.Instant prunedAt) {

	}

}
