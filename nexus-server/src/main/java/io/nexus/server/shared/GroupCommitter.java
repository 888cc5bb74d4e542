package io.nexus.server.shared;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit: a writer thread applies every unit of work that has queued up since its
 * last commit in a single transaction, then answers each. Work is spread over a few
 * lanes, each with its own queue and thread, by a key: units with the same key (the same
 * task) stay in order on one lane, while lanes commit in parallel, since a commit waits
 * mostly on the database, not on the CPU. Under load many units share one durable commit;
 * at rest a unit is written at once, without waiting for company. A unit that refuses
 * itself (it throws a {@link NexusException} before writing anything) gets its error and
 * does not disturb the others; if the batch as a whole fails, each unit is retried in a
 * transaction of its own.
 * <p>
 * Each unit has a weight (such as the number of tasks it creates); one transaction takes
 * units up to {@link Settings#maxWeight()}. The queue holds at most
 * {@link Settings#capacity()} units of weight: past that, a committer that
 * {@link Settings#refuseWhenFull() refuses when full} answers {@link OverloadedException}
 * at once (admission control: callers never pile up behind the writer), and one that does
 * not writes the unit on the caller's thread. A {@link Settings#prepare() preparation}
 * sees the keys of a batch inside its transaction before the units run, so that it can
 * read or lock their rows in one statement.
 */
public class GroupCommitter implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(GroupCommitter.class);

	private final List<Lane> lanes = new ArrayList<>();

	private final List<Thread> threads = new ArrayList<>();

	private final String name;

	private final TransactionTemplate transaction;

	private final Settings settings;

	private final AtomicLong refused = new AtomicLong();

	private volatile boolean running;

	/**
	 * A committer with its own writer threads and the default settings.
	 * @param name a name for the threads and the logs
	 * @param lanes how many writer threads
	 * @param transaction the transactions to write in
	 */
	public GroupCommitter(String name, int lanes, TransactionTemplate transaction) {
		this(name, lanes, transaction, Settings.DEFAULTS);
	}

	/**
	 * A committer with its own writer threads.
	 * @param name a name for the threads and the logs
	 * @param lanes how many writer threads
	 * @param transaction the transactions to write in
	 * @param settings the limits and the preparation of each batch
	 */
	public GroupCommitter(String name, int lanes, TransactionTemplate transaction, Settings settings) {
		this.name = name;
		this.transaction = transaction;
		this.settings = settings;
		for (int i = 0; i < Math.max(1, lanes); i++) {
			this.lanes.add(new Lane());
		}
	}

	/**
	 * Queues work of weight one for the next group commit.
	 * @param key units with equal keys are applied in the order submitted
	 * @param work what to write
	 * @return completes after the commit, or exceptionally with the refusal
	 * @see #submit(Object, int, Runnable)
	 */
	public CompletableFuture<Void> submit(Object key, Runnable work) {
		return submit(key, 1, work);
	}

	/**
	 * Queues work for the next group commit.
	 * @param key units with equal keys are applied in the order submitted
	 * @param weight how much the unit writes, such as its number of rows
	 * @param work what to write; it runs inside the shared transaction and may throw a
	 * {@link NexusException} to refuse itself, having written nothing
	 * @return completes after the commit, or exceptionally with the refusal
	 * @throws OverloadedException if the queue is full and this committer refuses then
	 */
	public CompletableFuture<Void> submit(Object key, int weight, Runnable work) {
		Unit unit = new Unit(key, Math.max(1, weight), work, new CompletableFuture<>());
		Lane lane = this.lanes.get(Math.floorMod(key.hashCode(), this.lanes.size()));
		if (this.running && lane.offer(unit, this.settings.capacity())) {
			return unit.done();
		}
		if (this.running && this.settings.refuseWhenFull()) {
			this.refused.addAndGet(unit.weight());
			throw new OverloadedException("The " + this.name + " has " + lane.weight()
					+ " units of work queued, its limit; send the request again shortly", 1);
		}
		applyAlone(unit);
		return unit.done();
	}

	/**
	 * How much work waits in the queues now.
	 * @return the sum of the weights of the queued units
	 */
	public int queuedWeight() {
		return this.lanes.stream().mapToInt(Lane::weight).sum();
	}

	/**
	 * How much work this committer has refused because its queue was full.
	 * @return the sum of the weights of the refused units since the start
	 */
	public long refusedWeight() {
		return this.refused.get();
	}

	private void loop(Lane lane) {
		List<Unit> batch = new ArrayList<>();
		while (this.running || !lane.isEmpty()) {
			try {
				if (!lane.takeBatch(batch, this.settings.maxWeight())) {
					continue;
				}
				long started = System.nanoTime();
				applyTogether(batch);
				if (this.settings.yieldTo().getAsBoolean()) {
					long took = System.nanoTime() - started;
					LockSupport.parkNanos(Math.min(took, TimeUnit.MILLISECONDS.toNanos(Settings.MAX_REST_MILLIS)));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			finally {
				batch.clear();
			}
		}
	}

	private void applyTogether(List<Unit> batch) {
		List<Throwable> refusals = new ArrayList<>(batch.size());
		try {
			this.transaction.executeWithoutResult((status) -> {
				refusals.clear();
				if (batch.size() > 1) {
					this.settings.prepare().accept(batch.stream().map(Unit::key).toList());
				}
				for (Unit unit : batch) {
					refusals.add(apply(unit));
				}
			});
		}
		catch (RuntimeException ex) {
			if (batch.size() == 1 || DatabaseOutage.isCause(ex)) {
				// the database is away: writing the units one by one would only make each
				// wait for a connection in turn; every caller gets the outage at once
				batch.forEach((unit) -> unit.done().completeExceptionally(ex));
				return;
			}
			logger.debug("Group commit of {} unit(s) by {} failed; writing them one by one", batch.size(), this.name,
					ex);
			batch.forEach(this::applyAlone);
			return;
		}
		for (int i = 0; i < batch.size(); i++) {
			finish(batch.get(i), refusals.get(i));
		}
	}

	private void applyAlone(Unit unit) {
		Throwable[] refusal = new Throwable[1];
		try {
			this.transaction.executeWithoutResult((status) -> refusal[0] = apply(unit));
			finish(unit, refusal[0]);
		}
		catch (RuntimeException ex) {
			unit.done().completeExceptionally(ex);
		}
	}

	private static Throwable apply(Unit unit) {
		try {
			unit.work().run();
			return null;
		}
		catch (NexusException ex) {
			return ex;
		}
	}

	private static void finish(Unit unit, Throwable refusal) {
		if (refusal == null) {
			unit.done().complete(null);
		}
		else {
			unit.done().completeExceptionally(refusal);
		}
	}

	@Override
	public void start() {
		this.running = true;
		for (int i = 0; i < this.lanes.size(); i++) {
			Lane lane = this.lanes.get(i);
			Thread thread = new Thread(() -> loop(lane), "nexus-" + this.name + "-" + i);
			thread.setDaemon(true);
			thread.start();
			this.threads.add(thread);
		}
	}

	@Override
	public void stop() {
		this.running = false;
		for (Thread thread : this.threads) {
			try {
				thread.join(5_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.threads.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 200;
	}

	/**
	 * How a committer batches and when it refuses work.
	 *
	 * @param capacity the weight of queued work per lane past which a unit is not queued
	 * @param maxWeight the weight one transaction takes at most (a unit heavier than this
	 * goes alone)
	 * @param refuseWhenFull answer {@link OverloadedException} when the queue is full,
	 * instead of writing on the caller's thread
	 * @param prepare runs inside each batch's transaction, before its units, with their
	 * keys in order
	 * @param yieldTo while this says other work waits, the writer rests after each batch
	 * as long as the batch took (at most {@value #MAX_REST_MILLIS} ms), so that it takes
	 * at most half of the time
	 */
	public record Settings(int capacity, int maxWeight, boolean refuseWhenFull, Consumer<List<Object>> prepare,
			BooleanSupplier yieldTo) {

		/** The longest rest after one batch. */
		public static final long MAX_REST_MILLIS = 50;

		/** A deep queue that never refuses, 256 units a transaction, no preparation. */
		public static final Settings DEFAULTS = new Settings(65_536, 256, false, (keys) -> {
		}, () -> false);

		public Settings {
			if (capacity < 1 || maxWeight < 1) {
				throw new IllegalArgumentException("capacity and maxWeight must be positive");
			}
		}

	}

	private record Unit(Object key, int weight, Runnable work, CompletableFuture<Void> done) {

	}

	/**
	 * One writer's queue, bounded by the weight of the units in it.
	 */
	private static final class Lane {

		private final LinkedBlockingQueue<Unit> queue = new LinkedBlockingQueue<>();

		private final AtomicInteger weight = new AtomicInteger();

		boolean offer(Unit unit, int capacity) {
			int now = this.weight.addAndGet(unit.weight());
			// a unit heavier than the whole capacity is still taken by an empty queue
			if (now > capacity && now != unit.weight()) {
				this.weight.addAndGet(-unit.weight());
				return false;
			}
			this.queue.add(unit);
			return true;
		}

		boolean takeBatch(List<Unit> batch, int maxWeight) throws InterruptedException {
			Unit first = this.queue.poll(200, TimeUnit.MILLISECONDS);
			if (first == null) {
				return false;
			}
			batch.add(first);
			int taken = first.weight();
			Unit next;
			while (taken < maxWeight && (next = this.queue.peek()) != null && taken + next.weight() <= maxWeight) {
				this.queue.poll();
				batch.add(next);
				taken += next.weight();
			}
			this.weight.addAndGet(-taken);
			return true;
		}

		boolean isEmpty() {
			return this.queue.isEmpty();
		}

		int weight() {
			return this.weight.get();
		}

	}

}
