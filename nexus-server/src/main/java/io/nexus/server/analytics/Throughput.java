package io.nexus.server.analytics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Finished tasks per time bucket.
 *
 * @param from the start of the first bucket
 * @param to the end of the range (exclusive)
 * @param bucket the bucket size
 * @param buckets one entry per bucket, oldest first
 */
public record Throughput(Instant from, Instant to, Duration bucket, List<Bucket> buckets) {

	/**
	 * The tasks finished in one bucket.
	 *
	 * @param start the start of the bucket
	 * @param completed tasks completed in it
	 * @param failed tasks failed in it
	 */
	public record Bucket(Instant start, long completed, long failed) {

	}

}
