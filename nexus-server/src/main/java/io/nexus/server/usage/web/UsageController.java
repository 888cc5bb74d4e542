package io.nexus.server.usage.web;

import java.time.Instant;
import java.util.List;

import io.nexus.server.usage.UsageQuery;
import io.nexus.server.usage.UsageStatistics;
import io.nexus.server.usage.UsageStatistics.Bucket;
import io.nexus.server.usage.UsageStatistics.Group;
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
		UsageQuery query = UsageQuery.of(groupBy, range, bucket);
		Summary summary = this.statistics.summarize(query.groupBy(), query.span(), query.bucketHours());
		return new UsageResponse(query.groupBy().wireName(), query.range(), query.bucket(), summary.from(),
				summary.to(), summary.total(), summary.groups(), summary.series());
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
