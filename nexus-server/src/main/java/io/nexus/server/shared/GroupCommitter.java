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
 * Group commit: one writer thread applies every unit of work that has queued up since its
 * last commit in a single transaction, then answers each. Under load many units share one
 * durable commit; at rest a unit is written at once, without waiting for company. A unit
 * that refuses itself (it throws a {@link NexusException} before writing anything) gets
 * its error and does not disturb the others; if the batch as a whole fails, each unit is
 * retried in a transaction of its own.
 */
public class GroupCommitter implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(GroupCommitter.class);

	private static final int MAX_BATCH = 256;

	private final BlockingQueue<Unit> queue = new ArrayBlockingQueue<>(65_536);

	private final String name;

	private final TransactionTemplate transaction;

	private volatile boolean running;

	private Thread thread;

	/**
	 * A committer with its own writer thread.
	 * @param name a name for the thread and the logs
	 * @param transaction the transactions to write in
	 */
	public GroupCommitter(String name, TransactionTemplate transaction) {
		this.name = name;
		this.transaction = transaction;
	}

	/**
	 * Queues work for the next group commit.
	 * @param work what to write; it runs inside the shared transaction and may throw a
	 * {@link NexusException} to refuse itself, having written nothing
	 * @return completes after the commit, or exceptionally with the refusal
	 */
	public CompletableFuture<Void> submit(Runnable work) {
		Unit unit = new Unit(work, new CompletableFuture<>());
		if (!this.running || !this.queue.offer(unit)) {
			applyAlone(unit);
		}
		return unit.done();
	}

	private void loop() {
		List<Unit> batch = new ArrayList<>(MAX_BATCH);
		while (this.running || !this.queue.isEmpty()) {
			try {
				Unit first = this.queue.poll(200, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				this.queue.drainTo(batch, MAX_BATCH - 1);
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
		this.thread = new Thread(this::loop, "nexus-" + this.name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.thread != null) {
			try {
				this.thread.join(5_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
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
