package io.nexus.server.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.nexus.server.analytics.AgentStats;
import io.nexus.server.analytics.Analytics;
import io.nexus.server.analytics.CategoryDurations;
import io.nexus.server.analytics.Percentiles;
import io.nexus.server.analytics.Throughput;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/**
 * The analytics figures as the pages show them: the {@link Analytics} façade's numbers,
 * with chart labels and durations in words.
 */
@Service
class AnalyticsQueries {

	private final Analytics analytics;

	private final Clock clock;

	AnalyticsQueries(Analytics analytics, Clock clock) {
		this.analytics = analytics;
		this.clock = clock;
	}

	/**
	 * Completed and failed tasks per bucket, ending with the bucket that holds now.
	 * @param now the end
	 * @param length how far back
	 * @param bucket the bucket size
	 * @return the series
	 */
	Series throughput(Instant now, Duration length, Duration bucket) {
		return throughput(now, length, bucket, null);
	}

	/**
	 * Like {@link #throughput(Instant, Duration, Duration)}, for one agent's tasks.
	 * @param now the end
	 * @param length how far back
	 * @param bucket the bucket size
	 * @param agentId the agent, or {@code null} for all
	 * @return the series
	 */
	Series throughput(Instant now, Duration length, Duration bucket, @Nullable String agentId) {
		long size = bucket.toSeconds();
		Instant end = Instant.ofEpochSecond((now.getEpochSecond() / size + 1) * size);
		Throughput throughput = this.analytics.throughput(end.minus(length), end, bucket, agentId);
		DateTimeFormatter format = DateTimeFormatter
			.ofPattern((size >= 86_400) ? "MMM d" : (size >= 43_200) ? "MMM d HH:mm" : "HH:mm", Locale.ROOT)
			.withZone(ZoneOffset.UTC);
		List<String> labels = new ArrayList<>();
		List<Long> done = new ArrayList<>();
		List<Long> lost = new ArrayList<>();
		List<Integer> rates = new ArrayList<>();
		for (Throughput.Bucket each : throughput.buckets()) {
			labels.add(format.format(each.start()));
			done.add(each.completed());
			lost.add(each.failed());
			long finished = each.completed() + each.failed();
			rates.add((finished == 0) ? null : (int) Math.round(100.0 * each.completed() / finished));
		}
		return new Series(labels, done, lost, rates);
	}

	Map<String, Long> totals(Instant since) {
		return this.analytics.totals(since);
	}

	/**
	 * Run-time percentiles and estimate against actual, per category.
	 * @param since the start
	 * @return one entry per category, busiest first
	 */
	List<CategoryStats> durationsByCategory(Instant since) {
		List<CategoryStats> result = new ArrayList<>();
		for (CategoryDurations category : this.analytics.durationsByCategory(since, end())) {
			Percentiles run = category.run();
			result.add(new CategoryStats(category.category(), run.count(), Durations.human(run.p50()),
					Durations.human(run.p90()), Durations.human(run.p99()),
					Durations.human(category.estimatedSeconds()), Durations.human(category.actualSeconds()),
					minutes(category.estimatedSeconds()), minutes(category.actualSeconds())));
		}
		return result;
	}

	List<AgentStats> agents(Instant since, Instant now, Map<String, Integer> slots) {
		return this.analytics.agents(since, now, slots);
	}

	/**
	 * How long ready tasks waited for an agent: from queued to assigned.
	 * @param since the start
	 * @return {@code p50}, {@code p90}, {@code p99}, {@code max} as text, and
	 * {@code count}
	 */
	Map<String, String> dispatchLatency(Instant since) {
		Percentiles waits = this.analytics.dispatchLatency(since, end());
		return Map.of("p50", Durations.human(waits.p50()), "p90", Durations.human(waits.p90()), "p99",
				Durations.human(waits.p99()), "max", Durations.human(waits.max()), "count",
				String.valueOf(waits.count()));
	}

	/** Up to now, including what finished this very millisecond. */
	private Instant end() {
		return this.clock.instant().plusMillis(1);
	}

	private static double minutes(@Nullable Double seconds) {
		return (seconds != null) ? Math.round(seconds / 6.0) / 10.0 : 0;
	}

}
