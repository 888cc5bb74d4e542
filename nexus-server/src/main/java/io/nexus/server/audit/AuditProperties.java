package io.nexus.server.audit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the audit trail ({@code nexus.audit.*}).
 *
 * @param retention how long events are kept; {@code 0} keeps them forever
 * @param pruneInterval how often events older than the retention are deleted
 * @param pruneBatchSize how many events one prune transaction deletes at most (a run
 * deletes at most ten batches)
 */
@ConfigurationProperties("nexus.audit")
public record AuditProperties(@DefaultValue("365d") Duration retention, @DefaultValue("1h") Duration pruneInterval,
		@DefaultValue("1000") int pruneBatchSize) {

	public AuditProperties {
		if (retention.isNegative() || (!retention.isZero() && retention.compareTo(Duration.ofDays(1)) < 0)) {
			throw new IllegalArgumentException("nexus.audit.retention must be 0 (keep forever) or at least 1d");
		}
		if (pruneBatchSize < 1 || pruneBatchSize > 100_000) {
			throw new IllegalArgumentException("nexus.audit.prune-batch-size must be 1-100000");
		}
	}

}
