package io.nexus.server.shared;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
 */
public class GroupCommitter implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(GroupCommitter.class);

	private static final int MAX_BATCH = 256;

	private final List<BlockingQueue<Unit>> lanes = new ArrayList<>();

	private final List<Thread> threads = new ArrayList<>();

	private final String name;

	private final TransactionTemplate transaction;

	private volatile boolean running;

	/**
	 * A committer with its own writer threads.
	 * @param name a name for the threads and the logs
	 * @param lanes how many writer threads
	 * @param transaction the transactions to write in
	 */
	public GroupCommitter(String name, int lanes, TransactionTemplate transaction) {
		this.name = name;
		this.transaction = transaction;
		for (int i = 0; i < Math.max(1, lanes); i++) {
			this.lanes.add(new ArrayBlockingQueue<>(65_536));
		}
	}

	/**
	 * Queues work for the next group commit.
	 * @param work what to write; it runs inside the shared transaction and may throw a
	 * {@link NexusException} to refuse itself, having written nothing
	 * @param key units with equal keys are applied in the order submitted
	 * @return completes after the commit, or exceptionally with the refusal
	 */
	public CompletableFuture<Void> submit(Object key, Runnable work) {
		Unit unit = new Unit(work, new CompletableFuture<>());
		BlockingQueue<Unit> lane = this.lanes.get(Math.floorMod(key.hashCode(), this.lanes.size()));
		if (!this.running || !lane.offer(unit)) {
			applyAlone(unit);
		}
		return unit.done();
	}

	private void loop(BlockingQueue<Unit> queue) {
		List<Unit> batch = new ArrayList<>(MAX_BATCH);
		while (this.running || !queue.isEmpty()) {
			try {
				Unit first = queue.poll(200, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				queue.drainTo(batch, MAX_BATCH - 1);
				applyTogether(batch);
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
				for (Unit unit : batch) {
					refusals.add(apply(unit));
				}
			});
		}
		catch (RuntimeException ex) {
			if (batch.size() == 1) {
				batch.get(0).done().completeExceptionally(ex);
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
			BlockingQueue<Unit> lane = this.lanes.get(i);
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

	private record Unit(Runnable work, CompletableFuture<Void> done) {

	}

}
