package io.nexus.server.usage;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.usage.UsageStatistics.GroupBy;
import org.jspecify.annotations.Nullable;

/**
 * A question about usage as callers put it ({@code group_by}, {@code range},
 * {@code bucket}), checked once for the REST API and the MCP {@code get_usage} tool.
 *
 * @param groupBy the key to sum by
 * @param range the range's name ({@code 24h})
 * @param span how far back from now
 * @param bucket hour or day
 */
public record UsageQuery(GroupBy groupBy, String range, Duration span, String bucket) {

	/** The ranges an answer may cover. */
	public static final Map<String, Duration> RANGES = Map.of("1h", Duration.ofHours(1), "6h", Duration.ofHours(6),
			"24h", Duration.ofHours(24), "7d", Duration.ofDays(7), "30d", Duration.ofDays(30), "90d",
			Duration.ofDays(90));

	/** The longest range hourly buckets may cover. */
	public static final Duration MAX_HOURLY_RANGE = Duration.ofDays(7);

	/**
	 * Checks a question; absent parts take their defaults (agent, 24h, hour up to 7d).
	 * @param groupBy agent, creator, category, fairness_key or model
	 * @param range 1h, 6h, 24h, 7d, 30d or 90d
	 * @param bucket hour or day
	 * @return the question
	 * @throws InvalidRequestException (422) for anything else
	 */
	public static UsageQuery of(@Nullable String groupBy, @Nullable String range, @Nullable String bucket) {
		GroupBy by = GroupBy.fromWireName((groupBy != null) ? groupBy : "agent");
		if (by == null) {
			throw InvalidRequestException.unprocessable("usage_group_by_invalid",
					"group_by must be agent, creator, category, fairness_key or model", Map.of("field", "group_by",
							"allowed", List.of("agent", "creator", "category", "fairness_key", "model")));
		}
		String rangeName = (range != null) ? range : "24h";
		Duration span = RANGES.get(rangeName);
		if (span == null) {
			throw InvalidRequestException.unprocessable("usage_range_invalid",
					"range must be 1h, 6h, 24h, 7d, 30d or 90d",
					Map.of("field", "range", "allowed", List.of("1h", "6h", "24h", "7d", "30d", "90d")));
		}
		String bucketName = (bucket != null) ? bucket : (span.compareTo(MAX_HOURLY_RANGE) <= 0) ? "hour" : "day";
		if (!bucketName.equals("hour") && !bucketName.equals("day")) {
			throw InvalidRequestException.unprocessable("usage_bucket_invalid", "bucket must be hour or day",
					Map.of("field", "bucket", "allowed", List.of("hour", "day")));
		}
		if (bucketName.equals("hour") && span.compareTo(MAX_HOURLY_RANGE) > 0) {
			throw InvalidRequestException.unprocessable("usage_bucket_invalid",
					"hourly buckets cover at most 7d; use bucket=day", Map.of("field", "bucket"));
		}
		return new UsageQuery(by, rangeName, span, bucketName);
	}

	/**
	 * The size of a bucket.
	 * @return 1 for hourly buckets, 24 for daily ones
	 */
	public int bucketHours() {
		return this.bucket.equals("hour") ? 1 : 24;
	}

}
