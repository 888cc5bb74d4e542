package io.nexus.server.governance;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.nexus.server.dispatch.ClusterEvents;
import io.nexus.server.dispatch.Dispatcher;
import io.nexus.server.governance.LimitBoard.Fill;
import io.nexus.server.governance.persistence.TaskLimitRepository;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.Ids;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.NotFoundException;
import io.nexus.server.tasks.TaskKey;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/**
 * Concurrency and rate limits by key, managed by admins: stored, announced to the other
 * nodes at once, and enforced by every dispatch round ({@link LimitBoard}).
 */
@Service
public class TaskLimits {

	/** The most limits there may be: every dispatch round checks each. */
	public static final int MAX_LIMITS = 100;

	private final TaskLimitRepository repository;

	private final LimitBoard board;

	private final ClusterEvents cluster;

	private final Dispatcher dispatcher;

	private final Clock clock;

	TaskLimits(TaskLimitRepository repository, LimitBoard board, ClusterEvents cluster, Dispatcher dispatcher,
			Clock clock) {
		this.repository = repository;
		this.board = board;
		this.cluster = cluster;
		this.dispatcher = dispatcher;
		this.clock = clock;
	}

	/**
	 * Every limit, by name, as stored.
	 * @return the limits
	 */
	public List<TaskLimit> list() {
		return this.repository.findAll();
	}

	/**
	 * The running tasks and tokens of the limit as this node last measured them.
	 * @param limitId the limit
	 * @return running tasks per key value and the values at the limit
	 */
	public Usage usage(String limitId) {
		Fill fill = this.board.fill(limitId);
		return (fill != null) ? new Usage(fill.running(), fill.held().stream().sorted().toList())
				: new Usage(Map.of(), List.of());
	}

	/**
	 * Every limit in force with how full it is, for the dashboard; no I/O.
	 * @return the limits as this node knows them, by name
	 */
	public List<Status> status() {
		return this.board.limits().stream().map((limit) -> {
			Usage usage = usage(limit.id());
			List<String> busiest = usage.running()
				.entrySet()
				.stream()
				.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
				.limit(5)
				.map((entry) -> entry.getKey() + " " + entry.getValue()
						+ ((limit.maxRunning() != null) ? "/" + limit.maxRunning() : ""))
				.toList();
			return new Status(limit.name(), limit.describe(), busiest, usage.held().stream().limit(10).toList());
		}).toList();
	}

	/**
	 * Creates a limit.
	 * @param spec what it limits
	 * @param admin who creates it
	 * @return the limit
	 */
	public TaskLimit create(Spec spec, String admin) {
		check(spec, null);
		if (this.repository.count() >= MAX_LIMITS) {
			throw InvalidRequestException.unprocessable("too_many_limits",
					"There are already " + MAX_LIMITS + " limits; delete one first", Map.of("max", MAX_LIMITS));
		}
		Instant now = this.clock.instant();
		TaskLimit limit = new TaskLimit(Ids.next("lim"), spec.name(), spec.key(), spec.matchCategory(),
				spec.maxRunning(), spec.ratePerSecond(), spec.burst(), admin, now, now);
		this.repository.insert(limit);
		changed();
		return limit;
	}

	/**
	 * Replaces a limit; a changed rate starts with full buckets.
	 * @param id the limit
	 * @param spec what it limits now
	 * @return the limit
	 */
	public TaskLimit update(String id, Spec spec) {
		TaskLimit before = find(id);
		check(spec, id);
		TaskLimit limit = new TaskLimit(id, spec.name(), spec.key(), spec.matchCategory(), spec.maxRunning(),
				spec.ratePerSecond(), spec.burst(), before.createdBy(), before.createdAt(), this.clock.instant());
		this.repository.update(limit);
		changed();
		return limit;
	}

	/**
	 * Deletes a limit; what it held back may start at once.
	 * @param id the limit
	 * @return the limit as it was
	 */
	public TaskLimit delete(String id) {
		TaskLimit limit = find(id);
		this.repository.delete(id);
		changed();
		return limit;
	}

	public TaskLimit find(String id) {
		return this.repository.findById(id)
			.orElseThrow(() -> new NotFoundException("limit_not_found", "No limit " + id, Map.of("id", id)));
	}

	private void check(Spec spec, @Nullable String id) {
		if (spec.maxRunning() == null && spec.ratePerSecond() == null) {
			throw InvalidRequestException.unprocessable("limit_empty",
					"A limit needs max_running, rate_per_second or both", Map.of());
		}
		if (spec.burst() != null && spec.ratePerSecond() == null) {
			throw InvalidRequestException.unprocessable("limit_burst_without_rate",
					"burst is the bucket size of a rate limit; give rate_per_second too", Map.of());
		}
		if (this.repository.nameTaken(spec.name(), id)) {
			throw new ConflictException("limit_name_taken", "A limit named " + spec.name() + " exists already",
					Map.of("name", spec.name()));
		}
	}

	private void changed() {
		this.board.refresh();
		this.cluster.publish(LimitBoard.CHANGED, Map.of());
		this.dispatcher.wake();
	}

	/**
	 * What a limit should be.
	 *
	 * @param name a unique name
	 * @param key what tasks are counted by
	 * @param matchCategory only tasks of this category, or all
	 * @param maxRunning at most this many running per key value
	 * @param ratePerSecond at most this many started per second per key value
	 * @param burst the bucket size (default 1)
	 */
	public record Spec(String name, TaskKey key, @Nullable String matchCategory, @Nullable Integer maxRunning,
			@Nullable Double ratePerSecond, @Nullable Integer burst) {

	}

	/**
	 * A limit in force, for the dashboard.
	 *
	 * @param name its name
	 * @param description the limit in words
	 * @param running the key values with the most running tasks, as {@code value n/max}
	 * (at most 5)
	 * @param held key values at the limit (at most 10)
	 */
	public record Status(String name, String description, List<String> running, List<String> held) {

	}

	/**
	 * How full a limit is.
	 *
	 * @param running running tasks per key value (only of a concurrency limit)
	 * @param held the key values at the limit
	 */
	public record Usage(Map<String, Integer> running, List<String> held) {

	}

}
