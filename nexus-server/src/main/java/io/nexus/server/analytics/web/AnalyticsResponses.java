package io.nexus.server.analytics.web;

import java.time.Instant;
import java.util.List;

import io.nexus.server.analytics.Outcomes;
import io.nexus.server.analytics.Percentiles;
import io.nexus.server.analytics.Throughput;
import org.jspecify.annotations.Nullable;

/**
 * The answers of {@code /api/analytics}, in snake_case.
 */
final class AnalyticsResponses {

	private AnalyticsResponses() {
	}

	/**
	 * Finished tasks per bucket.
	 *
	 * @param from the start of the range (the first bucket may start earlier, at a bucket
	 * boundary)
	 * @param to the end of the range
	 * @param bucketSeconds the bucket size
	 * @param completed tasks completed in the range
	 * @param failed tasks failed in the range
	 * @param buckets per bucket, oldest first
	 */
	record ThroughputResponse(Instant from, Instant to, long bucketSeconds, long completed, long failed,
			List<BucketResponse> buckets) {

		static ThroughputResponse of(Throughput throughput, Instant from) {
			List<BucketResponse> buckets = throughput.buckets()
				.stream()
				.map((bucket) -> new BucketResponse(bucket.start(), bucket.completed(), bucket.failed()))
				.toList();
			return new ThroughputResponse(from, throughput.to(), throughput.bucket().toSeconds(),
					buckets.stream().mapToLong(BucketResponse::completed).sum(),
					buckets.stream().mapToLong(BucketResponse::failed).sum(), buckets);
		}

	}

	/**
	 * One bucket.
	 *
	 * @param start when it starts
	 * @param completed tasks completed in it
	 * @param failed tasks failed in it
	 */
	record BucketResponse(Instant start, long completed, long failed) {

	}

	/**
	 * Dispatch latency and run time.
	 *
	 * @param from the start
	 * @param to the end
	 * @param dispatch queued to assigned, of tasks assigned in the range
	 * @param run accepted to finished, of tasks finished in the range
	 */
	record LatencyResponse(Instant from, Instant to, PercentilesResponse dispatch, PercentilesResponse run) {

	}

	/**
	 * Percentiles in seconds, {@code null} when there is nothing to measure.
	 *
	 * @param count how many
	 * @param p50Seconds the median
	 * @param p90Seconds the 90th percentile
	 * @param p99Seconds the 99th percentile
	 * @param maxSeconds the largest
	 */
	record PercentilesResponse(long count, @Nullable Double p50Seconds, @Nullable Double p90Seconds,
			@Nullable Double p99Seconds, @Nullable Double maxSeconds) {

		static PercentilesResponse of(Percentiles percentiles) {
			return new PercentilesResponse(percentiles.count(), percentiles.p50(), percentiles.p90(), percentiles.p99(),
					percentiles.max());
		}

	}

	/**
	 * Success rates by agent and by capability.
	 *
	 * @param from the start
	 * @param to the end
	 * @param byAgent per agent that finished an attempt
	 * @param byCapability per required capability of tasks finished
	 */
	record SuccessRateResponse(Instant from, Instant to, List<AgentOutcome> byAgent,
			List<CapabilityOutcome> byCapability) {

	}

	/**
	 * One agent's outcomes.
	 *
	 * @param agentId the agent
	 * @param completed attempts completed
	 * @param failed attempts failed
	 * @param successRate completed of finished, 0 to 1
	 */
	record AgentOutcome(String agentId, long completed, long failed, @Nullable Double successRate) {

		static AgentOutcome of(Outcomes outcomes) {
			return new AgentOutcome(outcomes.key(), outcomes.completed(), outcomes.failed(), outcomes.successRate());
		}

	}

	/**
	 * One capability's outcomes.
	 *
	 * @param capability the capability ({@code (none)} for tasks that need none)
	 * @param completed tasks completed
	 * @param failed tasks failed
	 * @param successRate completed of finished, 0 to 1
	 */
	record CapabilityOutcome(String capability, long completed, long failed, @Nullable Double successRate) {

		static CapabilityOutcome of(Outcomes outcomes) {
			return new CapabilityOutcome(outcomes.key(), outcomes.completed(), outcomes.failed(),
					outcomes.successRate());
		}

	}

}
