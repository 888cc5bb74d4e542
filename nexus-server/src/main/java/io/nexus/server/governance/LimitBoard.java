package io.nexus.server.governance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.nexus.server.dispatch.ClusterEvent;
import io.nexus.server.dispatch.Dispatcher;
import io.nexus.server.governance.persistence.TaskLimitRepository;
import io.nexus.server.governance.persistence.TaskLimitRepository.Bucket;
import io.nexus.server.governance.persistence.TaskLimitRepository.Running;
import io.nexus.server.tasks.HeldKeys;
import io.nexus.server.tasks.StartLimits;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The limits as this node knows them, and how full each is. The limits are read from the
 * database once a second ({@code nexus.governance.refresh-interval}) and at once when
 * another node says they changed; with none, dispatch does no extra I/O at all. With
 * some, every dispatch round {@linkplain #open opens} them in its claiming transaction:
 * it locks the limit rows (rounds on every node take turns), counts the running tasks per
 * key value and refills the token buckets, so the counts hold across nodes on one
 * database.
 * <p>
 * "Why waiting" and manual assignment ask {@link #holding}, which answers from what the
 * last round (or refresh) saw, without I/O.
 */
@Component
class LimitBoard implements StartLimits {

	/** The cluster event that tells the other nodes to read the limits again. */
	static final String CHANGED = "task_limits_changed";

	private static final Logger logger = LoggerFactory.getLogger(LimitBoard.class);

	private final TaskLimitRepository repository;

	private final ObjectProvider<Dispatcher> dispatcher;

	private final MultiGauge heldGauge;

	private volatile List<TaskLimit> limits = List.of();

	/** How full each limit was when last measured, by limit id. */
	private volatile Map<String, Fill> fills = Map.of();

	private final Clock clock;

	LimitBoard(TaskLimitRepository repository, ObjectProvider<Dispatcher> dispatcher, MeterRegistry meters,
			Clock clock) {
		this.repository = repository;
		this.clock = clock;
		this.dispatcher = dispatcher;
		this.heldGauge = MultiGauge.builder("nexus.limits.held.keys")
			.description("Key values at a limit (/api/limits) as this node last measured: their tasks wait")
			.register(meters);
	}

	List<TaskLimit> limits() {
		return this.limits;
	}

	/**
	 * How full the limit was when last measured.
	 * @param limitId the limit
	 * @return running tasks and tokens per key value, or {@code null} if not measured
	 */
	@Nullable Fill fill(String limitId) {
		return this.fills.get(limitId);
	}

	@Override
	public Gate open(Instant now) {
		List<TaskLimit> current = this.limits;
		if (current.isEmpty()) {
			return Gate.OPEN;
		}
		this.repository.lockAll();
		RoundGate gate = new RoundGate(measure(current, now), now);
		publish(gate.fills);
		return gate;
	}

	/**
	 * Whether a limit holds the task back now, as last measured; no I/O or allocation
	 * unless it does.
	 * @param task the task
	 * @return the limit's state, or {@code null}
	 */
	@Nullable Fill holding(Task task) {
		if (this.limits.isEmpty()) {
			return null;
		}
		for (Fill fill : this.fills.values()) {
			if (fill.limit().applies(task) && fill.held().contains(fill.limit().key().of(task))) {
				return fill;
			}
		}
		return null;
	}

	/**
	 * Reads the limits again and measures them; runs once a second on every node.
	 */
	@Scheduled(fixedDelayString = "${nexus.governance.refresh-interval:1s}")
	void refresh() {
		List<TaskLimit> before = this.limits;
		try {
			List<TaskLimit> current = List.copyOf(this.repository.findAll());
			this.limits = current;
			publish(current.isEmpty() ? Map.of() : measure(current, this.clock.instant()));
		}
		catch (RuntimeException ex) {
			// the database is away: keep the last known limits
			logger.debug("Could not read the task limits: {}", ex.getMessage());
			return;
		}
		if (!before.equals(this.limits)) {
			this.dispatcher.ifAvailable(Dispatcher::wake);
		}
	}

	@EventListener
	void onClusterEvent(ClusterEvent event) {
		if (CHANGED.equals(event.kind())) {
			refresh();
		}
	}

	private Map<String, Fill> measure(List<TaskLimit> current, Instant now) {
		Map<TaskKey, List<Running>> running = new EnumMap<>(TaskKey.class);
		boolean rated = false;
		for (TaskLimit limit : current) {
			if (limit.maxRunning() != null) {
				running.computeIfAbsent(limit.key(), this.repository::running);
			}
			rated |= limit.ratePerSecond() != null;
		}
		Map<String, List<Bucket>> buckets = new HashMap<>();
		if (rated) {
			for (Bucket bucket : this.repository.buckets()) {
				buckets.computeIfAbsent(bucket.limitId(), (id) -> new ArrayList<>()).add(bucket);
			}
		}
		Map<String, Fill> fills = new HashMap<>();
		for (TaskLimit limit : current) {
			Map<String, Integer> counts = new HashMap<>();
			if (limit.maxRunning() != null) {
				for (Running row : running.get(limit.key())) {
					if (limit.matchCategory() == null || limit.matchCategory().equals(row.category())) {
						counts.merge(row.value(), row.count(), Integer::sum);
					}
				}
			}
			Map<String, Double> tokens = new HashMap<>();
			if (limit.ratePerSecond() != null) {
				for (Bucket bucket : buckets.getOrDefault(limit.id(), List.of())) {
					double elapsed = Math.max(0, Duration.between(bucket.refilledAt(), now).toNanos() / 1e9);
					tokens.put(bucket.value(),
							Math.min(limit.bucketSize(), bucket.tokens() + elapsed * limit.ratePerSecond()));
				}
			}
			fills.put(limit.id(), new Fill(limit, counts, tokens));
		}
		return fills;
	}

	private void publish(Map<String, Fill> measured) {
		Map<String, Fill> frozen = new HashMap<>();
		List<MultiGauge.Row<?>> rows = new ArrayList<>();
		for (Fill fill : measured.values()) {
			Fill copy = fill.frozen();
			frozen.put(fill.limit().id(), copy);
			rows.add(MultiGauge.Row.of(Tags.of("limit", fill.limit().name()), copy.held().size()));
		}
		this.fills = Map.copyOf(frozen);
		this.heldGauge.register(rows, true);
	}

	/**
	 * How full one limit is.
	 *
	 * @param limit the limit
	 * @param running running tasks per key value
	 * @param tokens tokens per key value of a rate limit (a value without one has a full
	 * bucket)
	 * @param held the key values at the limit
	 */
	record Fill(TaskLimit limit, Map<String, Integer> running, Map<String, Double> tokens, Set<String> held) {

		Fill(TaskLimit limit, Map<String, Integer> running, Map<String, Double> tokens) {
			this(limit, running, tokens, Set.of());
		}

		int runningOf(String value) {
			return this.running.getOrDefault(value, 0);
		}

		double tokensOf(String value) {
			return this.tokens.getOrDefault(value, (double) this.limit.bucketSize());
		}

		boolean full(String value) {
			return (this.limit.maxRunning() != null && runningOf(value) >= this.limit.maxRunning())
					|| (this.limit.ratePerSecond() != null && tokensOf(value) < 1);
		}

		Set<String> heldNow() {
			Set<String> held = new HashSet<>();
			this.running.keySet().stream().filter(this::full).forEach(held::add);
			this.tokens.keySet().stream().filter(this::full).forEach(held::add);
			return held;
		}

		Fill frozen() {
			return new Fill(this.limit, Map.copyOf(this.running), Map.copyOf(this.tokens), Set.copyOf(heldNow()));
		}

		/**
		 * Why a task of the value waits, in words.
		 * @param value the key value
		 * @return e.g. {@code held by limit build-cap: category build has 2 running, at
		 * most 2 running per category}
		 */
		String explain(String value) {
			String state = (this.limit.maxRunning() != null && runningOf(value) >= this.limit.maxRunning())
					? runningOf(value) + " running" : "no start token (rate " + this.limit.ratePerSecond() + "/s)";
			return "held by limit " + this.limit.name() + ": " + this.limit.key().wireName() + " " + value + " has "
					+ state + "; " + this.limit.describe();
		}

	}

	/**
	 * One dispatch round's view: counts as measured under the lock, then what the round
	 * lets through.
	 */
	private final class RoundGate implements Gate {

		private final Map<String, Fill> fills;

		private final Instant now;

		private final List<HeldKeys> held;

		/** Tokens each key value had when the round began, per rate-limited limit. */
		private final Map<String, Map<String, Double>> tokensAtOpen = new HashMap<>();

		private @Nullable Duration retryAfter;

		RoundGate(Map<String, Fill> measured, Instant now) {
			this.now = now;
			this.fills = new HashMap<>();
			List<HeldKeys> heldKeys = new ArrayList<>();
			for (Fill fill : measured.values()) {
				Fill mutable = new Fill(fill.limit(), new HashMap<>(fill.running()), new HashMap<>(fill.tokens()));
				this.fills.put(fill.limit().id(), mutable);
				this.tokensAtOpen.put(fill.limit().id(), Map.copyOf(fill.tokens()));
				Set<String> full = mutable.heldNow();
				if (!full.isEmpty()) {
					heldKeys.add(new HeldKeys(fill.limit().key(), fill.limit().matchCategory(), full));
					full.forEach((value) -> rateHeld(mutable, value));
				}
			}
			this.held = List.copyOf(heldKeys);
		}

		@Override
		public List<HeldKeys> held() {
			return this.held;
		}

		@Override
		public boolean admit(Task task) {
			for (Fill fill : this.fills.values()) {
				if (fill.limit().applies(task)) {
					String value = fill.limit().key().of(task);
					if (fill.full(value)) {
						rateHeld(fill, value);
						return false;
					}
				}
			}
			for (Fill fill : this.fills.values()) {
				if (fill.limit().applies(task)) {
					String value = fill.limit().key().of(task);
					if (fill.limit().maxRunning() != null) {
						fill.running().merge(value, 1, Integer::sum);
					}
					if (fill.limit().ratePerSecond() != null) {
						fill.tokens().put(value, fill.tokensOf(value) - 1);
					}
				}
			}
			return true;
		}

		@Override
		public void started(List<Task> won) {
			for (Fill fill : this.fills.values()) {
				TaskLimit limit = fill.limit();
				if (limit.ratePerSecond() == null) {
					continue;
				}
				Map<String, Integer> spent = new HashMap<>();
				for (Task task : won) {
					if (limit.applies(task)) {
						spent.merge(limit.key().of(task), 1, Integer::sum);
					}
				}
				Map<String, Double> before = this.tokensAtOpen.get(limit.id());
				spent.forEach((value, count) -> LimitBoard.this.repository.save(new Bucket(limit.id(), value,
						before.getOrDefault(value, (double) limit.bucketSize()) - count, this.now)));
			}
			// what "why waiting" shows: the counts after this round
			Map<String, Fill> after = new HashMap<>(LimitBoard.this.fills);
			this.fills.forEach((id, fill) -> {
				Map<String, Double> settled = new HashMap<>(this.tokensAtOpen.get(id));
				if (fill.limit().ratePerSecond() != null) {
					for (Task task : won) {
						if (fill.limit().applies(task)) {
							String value = fill.limit().key().of(task);
							settled.put(value, settled.getOrDefault(value, (double) fill.limit().bucketSize()) - 1);
						}
					}
				}
				Map<String, Integer> running = new HashMap<>(
						LimitBoard.this.fills.containsKey(id) ? LimitBoard.this.fills.get(id).running() : Map.of());
				if (fill.limit().maxRunning() != null) {
					for (Task task : won) {
						if (fill.limit().applies(task)) {
							running.merge(fill.limit().key().of(task), 1, Integer::sum);
						}
					}
				}
				after.put(id, new Fill(fill.limit(), running, settled));
			});
			publish(after);
		}

		@Override
		public @Nullable Duration retryAfter() {
			return this.retryAfter;
		}

		/** Notes when the value's bucket has a token again, if a rate holds it. */
		private void rateHeld(Fill fill, String value) {
			Double rate = fill.limit().ratePerSecond();
			if (rate == null || fill.tokensOf(value) >= 1) {
				return;
			}
			Duration wait = Duration.ofNanos((long) Math.ceil((1 - fill.tokensOf(value)) / rate * 1e9));
			if (this.retryAfter == null || wait.compareTo(this.retryAfter) < 0) {
				this.retryAfter = wait;
			}
		}

	}

}
