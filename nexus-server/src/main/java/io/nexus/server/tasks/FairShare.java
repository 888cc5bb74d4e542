package io.nexus.server.tasks;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.NotFoundException;
import io.nexus.server.tasks.persistence.FairnessRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Fair share between the keys that tasks carry ({@code fairness_key}: a team, a
 * customer): within a priority level, dispatch serves the keys in proportion to their
 * weights (admin-set, default 1), so that one key with most of the backlog cannot starve
 * the others. Priority order and aging across levels still hold.
 * <p>
 * How: each round reads, besides the head of the queue, the oldest ready tasks of each
 * key that has queued tasks, and orders each run of tasks of one priority level by a
 * virtual finish time per key (weighted fair queueing, the continuous form of deficit
 * round robin): the n-th next task of a key with weight w and virtual time v gets the tag
 * {@code v + n / w}; a claimed task moves its key's time on by {@code 1 / w}. Tasks
 * without a key share one key of weight 1. The virtual times live in this node's memory:
 * each node's dispatcher is fair on its own, and so is the whole of several nodes, each
 * serving a part of the agents.
 * <p>
 * The keys with queued tasks and the weights are read every
 * {@code nexus.governance.refresh-interval} (1 s); while no queued task has a key, rounds
 * do nothing more than before.
 */
@Service
public class FairShare {

	/** The most weights there may be. */
	public static final int MAX_WEIGHTS = 1000;

	/** The most keys a round reads apart; the others wait their turn at the head. */
	static final int MAX_KEYS_READ = 64;

	private static final String NO_KEY = "";

	private static final Logger logger = LoggerFactory.getLogger(FairShare.class);

	private final FairnessRepository repository;

	private final Clock clock;

	private volatile Map<String, Integer> weights = Map.of();

	private volatile Map<String, Long> queued = Map.of();

	/** Virtual time per key, in claimed tasks divided by weight. */
	private final Map<String, Double> virtual = new ConcurrentHashMap<>();

	FairShare(FairnessRepository repository, Clock clock) {
		this.repository = repository;
		this.clock = clock;
	}

	/**
	 * Whether some queued task has a fair-share key, as last read.
	 * @return {@code true} if rounds should read and order by key
	 */
	boolean active() {
		return !this.queued.isEmpty();
	}

	/**
	 * The keys with queued tasks, the busiest first, at most {@value #MAX_KEYS_READ}.
	 * @return the keys
	 */
	List<String> keys() {
		return this.queued.keySet().stream().limit(MAX_KEYS_READ).toList();
	}

	/**
	 * The weights set by admins.
	 * @return weight per key; a key without one weighs 1
	 */
	public Map<String, Integer> weights() {
		return this.weights;
	}

	/**
	 * Queued tasks per key, as last read (at most a second old).
	 * @return the counts, busiest first
	 */
	public Map<String, Long> queued() {
		return this.queued;
	}

	/**
	 * Sets a key's weight.
	 * @param key the key
	 * @param weight 1 to 1000
	 * @param actor the admin
	 */
	public void setWeight(String key, int weight, String actor) {
		if (!this.weights.containsKey(key) && this.repository.countWeights() >= MAX_WEIGHTS) {
			throw new ConflictException("too_many_weights",
					"There are already " + MAX_WEIGHTS + " fair-share weights; delete one first");
		}
		this.repository.setWeight(key, weight, actor, this.clock.instant());
		refresh();
	}

	/**
	 * Removes a key's weight: it weighs 1 again.
	 * @param key the key
	 */
	public void deleteWeight(String key) {
		if (!this.repository.deleteWeight(key)) {
			throw new NotFoundException("weight_not_found", "No weight is set for " + key, Map.of("key", key));
		}
		refresh();
	}

	/**
	 * Reads the weights and the queued keys again; runs once a second on every node.
	 */
	@Scheduled(fixedDelayString = "${nexus.governance.refresh-interval:1s}")
	public void refresh() {
		try {
			this.weights = Map.copyOf(this.repository.weights());
			this.queued = Collections.unmodifiableMap(this.repository.queued(1000));
			// a key with nothing queued is forgotten; when it comes back it starts at
			// base()
			this.virtual.keySet().removeIf((key) -> !NO_KEY.equals(key) && !this.queued.containsKey(key));
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the fair-share keys: {}", ex.getMessage());
		}
	}

	/**
	 * Orders each run of tasks of one priority level by the keys' virtual finish times;
	 * runs of other levels and the order between runs stay.
	 * @param ordered the tasks in dispatch order (effective priority, then age)
	 * @param level the priority level of a task
	 * @return the tasks in fair dispatch order
	 */
	List<Task> order(List<Task> ordered, ToDoubleFunction<Task> level) {
		List<Task> result = new ArrayList<>(ordered.size());
		int start = 0;
		while (start < ordered.size()) {
			double runLevel = level.applyAsDouble(ordered.get(start));
			int end = start + 1;
			while (end < ordered.size() && level.applyAsDouble(ordered.get(end)) == runLevel) {
				end++;
			}
			result.addAll(fair(ordered.subList(start, end)));
			start = end;
		}
		return result;
	}

	private List<Task> fair(List<Task> run) {
		if (run.size() < 2) {
			return run;
		}
		double base = base();
		Map<String, Double> next = new HashMap<>();
		List<Tagged> tagged = new ArrayList<>(run.size());
		for (Task task : run) {
			String key = key(task);
			double tag = next.getOrDefault(key, this.virtual.getOrDefault(key, base)) + 1.0 / weight(key);
			next.put(key, tag);
			tagged.add(new Tagged(task, tag));
		}
		tagged.sort(Comparator.comparingDouble(Tagged::tag).thenComparingLong((entry) -> entry.task().seq()));
		return tagged.stream().map(Tagged::task).toList();
	}

	/**
	 * Moves on the virtual time of the keys of the claimed tasks.
	 * @param won the tasks a round claimed
	 */
	void claimed(List<Task> won) {
		if (won.isEmpty()) {
			return;
		}
		double base = base();
		for (Task task : won) {
			String key = key(task);
			double step = 1.0 / weight(key);
			this.virtual.merge(key, base + step, (before, first) -> before + step);
		}
	}

	/**
	 * Where a key that is new or comes back after a pause starts: at the least virtual
	 * time of the keys served while it was away, so that it neither catches up all it
	 * missed at once nor waits behind them.
	 */
	private double base() {
		double base = Double.MAX_VALUE;
		for (double time : this.virtual.values()) {
			base = Math.min(base, time);
		}
		return (base == Double.MAX_VALUE) ? 0.0 : base;
	}

	private int weight(String key) {
		return this.weights.getOrDefault(key, 1);
	}

	private static String key(Task task) {
		return (task.fairnessKey() != null) ? task.fairnessKey() : NO_KEY;
	}

	private record Tagged(Task task, double tag) {

	}

}
