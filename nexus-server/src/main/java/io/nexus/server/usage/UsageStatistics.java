package io.nexus.server.usage;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.nexus.server.usage.persistence.UsageRepository;
import io.nexus.server.usage.persistence.UsageRepository.Sum;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Usage summed over time and by a key, for {@code GET /api/usage} and the dashboard.
 */
@Service
public class UsageStatistics {

	/** The most groups an answer lists; the rest are summed as {@value #OTHER}. */
	public static final int MAX_GROUPS = 50;

	/** The name of the group of the groups left out. */
	public static final String OTHER = "(other)";

	/** The name of the group of reports without a value of the key. */
	public static final String NONE = "(none)";

	private final UsageRepository repository;

	private final Clock clock;

	UsageStatistics(UsageRepository repository, Clock clock) {
		this.repository = repository;
		this.clock = clock;
	}

	/**
	 * The sums of the reports of the last {@code range}.
	 * @param groupBy what to sum by
	 * @param range how far back, whole hours
	 * @param bucketHours the hours of one time bucket (1 or 24, UTC)
	 * @return the totals per group (the largest first) and per bucket
	 */
	@Transactional(readOnly = true)
	public Summary summarize(GroupBy groupBy, Duration range, int bucketHours) {
		Instant now = this.clock.instant();
		long toHour = now.getEpochSecond() / 3600 + 1;
		long fromHour = toHour - range.toHours();
		fromHour -= Math.floorMod(fromHour, bucketHours);
		List<Sum> sums = this.repository.sums(groupBy.column(), fromHour, toHour, bucketHours);
		Map<String, Totals> groups = new LinkedHashMap<>();
		Map<Long, Totals> buckets = new TreeMap<>();
		for (long hour = fromHour; hour < toHour; hour += bucketHours) {
			buckets.put(hour, new Totals());
		}
		for (Sum sum : sums) {
			groups.computeIfAbsent((sum.key() != null) ? sum.key() : NONE, (key) -> new Totals()).add(sum);
			buckets.computeIfAbsent(sum.bucketHour(), (hour) -> new Totals()).add(sum);
		}
		List<Map.Entry<String, Totals>> ordered = new ArrayList<>(groups.entrySet());
		ordered.sort(Comparator.comparingLong((Map.Entry<String, Totals> entry) -> -entry.getValue().tokens())
			.thenComparing(Map.Entry::getKey));
		List<Group> listed = new ArrayList<>();
		Totals rest = new Totals();
		for (int i = 0; i < ordered.size(); i++) {
			if (i < MAX_GROUPS) {
				listed.add(ordered.get(i).getValue().group(ordered.get(i).getKey()));
			}
			else {
				rest.add(ordered.get(i).getValue());
			}
		}
		if (ordered.size() > MAX_GROUPS) {
			listed.add(rest.group(OTHER));
		}
		List<Bucket> series = buckets.entrySet()
			.stream()
			.map((entry) -> entry.getValue().bucket(Instant.ofEpochSecond(entry.getKey() * 3600)))
			.toList();
		Totals total = new Totals();
		groups.values().forEach(total::add);
		return new Summary(Instant.ofEpochSecond(fromHour * 3600), Instant.ofEpochSecond(toHour * 3600),
				total.group("total"), listed, series);
	}

	/**
	 * What usage can be summed by.
	 */
	public enum GroupBy {

		/** The agent that reported. */
		AGENT("agent", "agent_id"),

		/** Who created the task. */
		CREATOR("creator", "created_by"),

		/** The task's category (tasks have no labels; this is the closest). */
		CATEGORY("category", "category"),

		/** The task's fairness key. */
		FAIRNESS_KEY("fairness_key", "fairness_key"),

		/** The model reported. */
		MODEL("model", "model");

		private final String wireName;

		private final String column;

		GroupBy(String wireName, String column) {
			this.wireName = wireName;
			this.column = column;
		}

		public String wireName() {
			return this.wireName;
		}

		String column() {
			return this.column;
		}

		public static @Nullable GroupBy fromWireName(String name) {
			for (GroupBy groupBy : values()) {
				if (groupBy.wireName.equals(name)) {
					return groupBy;
				}
			}
			return null;
		}

	}

	/**
	 * Usage summed.
	 *
	 * @param from the start of the first bucket
	 * @param to the end of the last bucket
	 * @param total everything in the range
	 * @param groups the totals per group, the most tokens first (at most
	 * {@value #MAX_GROUPS}, then {@value #OTHER})
	 * @param series the totals per time bucket, oldest first, empty ones included
	 */
	public record Summary(Instant from, Instant to, Group total, List<Group> groups, List<Bucket> series) {

	}

	/**
	 * The totals of one group.
	 *
	 * @param key the value of the key
	 * @param inputTokens input tokens
	 * @param outputTokens output tokens
	 * @param cost money per currency
	 * @param reports how many reports
	 * @param tasks how many distinct tasks (an upper bound when it spans buckets)
	 */
	public record Group(String key, long inputTokens, long outputTokens, Map<String, BigDecimal> cost, long reports,
			long tasks) {

	}

	/**
	 * The totals of one time bucket.
	 *
	 * @param start when it begins
	 * @param inputTokens input tokens
	 * @param outputTokens output tokens
	 * @param cost money per currency
	 * @param reports how many reports
	 */
	public record Bucket(Instant start, long inputTokens, long outputTokens, Map<String, BigDecimal> cost,
			long reports) {

	}

	private static final class Totals {

		private long input;

		private long output;

		private final Map<String, BigDecimal> cost = new TreeMap<>();

		private long reports;

		private long tasks;

		void add(Sum sum) {
			this.input += sum.inputTokens();
			this.output += sum.outputTokens();
			this.cost.merge(sum.currency(), sum.cost(), BigDecimal::add);
			this.reports += sum.reports();
			this.tasks += sum.tasks();
		}

		void add(Totals other) {
			this.input += other.input;
			this.output += other.output;
			other.cost.forEach((currency, amount) -> this.cost.merge(currency, amount, BigDecimal::add));
			this.reports += other.reports;
			this.tasks += other.tasks;
		}

		long tokens() {
			return this.input + this.output;
		}

		Group group(String key) {
			return new Group(key, this.input, this.output, Map.copyOf(this.cost), this.reports, this.tasks);
		}

		Bucket bucket(Instant start) {
			return new Bucket(start, this.input, this.output, Map.copyOf(this.cost), this.reports);
		}

	}

}
