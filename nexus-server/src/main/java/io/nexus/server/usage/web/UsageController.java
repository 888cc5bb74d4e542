package io.nexus.server.usage.web;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.usage.UsageStatistics;
import io.nexus.server.usage.UsageStatistics.Bucket;
import io.nexus.server.usage.UsageStatistics.Group;
import io.nexus.server.usage.UsageStatistics.GroupBy;
import io.nexus.server.usage.UsageStatistics.Summary;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Usage that agents reported, summed: {@code GET /api/usage} (any role).
 */
@RestController
@RequestMapping("/api/usage")
@Tag(name = "Usage", description = "Tokens and cost that agents reported, summed by a key and over time")
class UsageController {

	/** The ranges an answer may cover. */
	static final Map<String, Duration> RANGES = Map.of("1h", Duration.ofHours(1), "6h", Duration.ofHours(6), "24h",
			Duration.ofHours(24), "7d", Duration.ofDays(7), "30d", Duration.ofDays(30), "90d", Duration.ofDays(90));

	/** The longest range hourly buckets may cover. */
	static final Duration MAX_HOURLY_RANGE = Duration.ofDays(7);

	private final UsageStatistics statistics;

	UsageController(UsageStatistics statistics) {
		this.statistics = statistics;
	}

	@GetMapping
	@Operation(summary = "Usage summed by a key and over time",
			description = "group_by: agent (default), creator, category, fairness_key or model; range: 1h, 6h, 24h "
					+ "(default), 7d, 30d or 90d back from now; bucket: hour (default up to 7d) or day (UTC). 422 for "
					+ "anything else. At most 50 groups, the most tokens first, then (other).")
	UsageResponse usage(@RequestParam(name = "group_by", required = false) @Nullable String groupBy,
			@RequestParam(required = false) @Nullable String range,
			@RequestParam(required = false) @Nullable String bucket) {
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
		Summary summary = this.statistics.summarize(by, span, bucketName.equals("hour") ? 1 : 24);
		return new UsageResponse(by.wireName(), rangeName, bucketName, summary.from(), summary.to(), summary.total(),
				summary.groups(), summary.series());
	}

	/**
	 * Usage summed.
	 *
	 * @param groupBy the key
	 * @param range the range asked
	 * @param bucket the size of a time bucket
	 * @param from the start of the first bucket
	 * @param to the end of the last bucket
	 * @param total everything in the range
	 * @param groups the totals per group, the most tokens first
	 * @param series the totals per time bucket, oldest first
	 */
	record UsageResponse(String groupBy, String range, String bucket, Instant from, Instant to, Group total,
			List<Group> groups, List<Bucket> series) {

	}

}
