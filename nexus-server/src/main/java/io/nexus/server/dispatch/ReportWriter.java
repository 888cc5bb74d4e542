package io.nexus.server.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.nexus.server.shared.NexusException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for what agents report (accept, progress, complete, fail): one writer
 * thread applies everything that has queued up since its last commit in a single
 * transaction, then answers each report. Under load many reports share one durable
 * commit; at rest a report is written at once, without waiting for company. A report that
 * is refused (a stale lease) is answered with its error and does not disturb the others;
 * if the batch as a whole fails, each report is retried in a transaction of its own.
 */
@Component
class ReportWriter implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ReportWriter.class);

	private static final int MAX_BATCH = 256;

	private final BlockingQueue<Report> queue = new ArrayBlockingQueue<>(65_536);

	private final TransactionTemplate transaction;

	private volatile boolean running;

	private Thread thread;

	ReportWriter(TransactionTemplate transaction) {
		this.transaction = transaction;
	}

	/**
	 * Queues a report for the next group commit.
	 * @param work what to write; it runs inside the shared transaction and may throw a
	 * {@link NexusException} to refuse the report without writing anything
	 * @return completes after the commit, or exceptionally with the refusal
	 */
	CompletableFuture<Void> submit(Runnable work) {
		Report report = new Report(work, new CompletableFuture<>());
		if (!this.running || !this.queue.offer(report)) {
			applyAlone(report);
		}
		return report.done();
	}

	private void loop() {
		List<Report> batch = new ArrayList<>(MAX_BATCH);
		while (this.running || !this.queue.isEmpty()) {
			try {
				Report first = this.queue.poll(200, TimeUnit.MILLISECONDS);
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

	private void applyTogether(List<Report> batch) {
		List<Throwable> refusals = new ArrayList<>(batch.size());
		try {
			this.transaction.executeWithoutResult((status) -> {
				refusals.clear();
				for (Report report : batch) {
					refusals.add(apply(report));
				}
			});
		}
		catch (RuntimeException ex) {
			logger.warn("Group commit of {} report(s) failed; writing them one by one", batch.size(), ex);
			batch.forEach(this::applyAlone);
			return;
		}
		for (int i = 0; i < batch.size(); i++) {
			finish(batch.get(i), refusals.get(i));
		}
	}

	private void applyAlone(Report report) {
		Throwable[] refusal = new Throwable[1];
		try {
			this.transaction.executeWithoutResult((status) -> refusal[0] = apply(report));
			finish(report, refusal[0]);
		}
		catch (RuntimeException ex) {
			report.done().completeExceptionally(ex);
		}
	}

	private static Throwable apply(Report report) {
		try {
			report.work().run();
			return null;
		}
		catch (NexusException ex) {
			return ex;
		}
	}

	private static void finish(Report report, Throwable refusal) {
		if (refusal == null) {
			report.done().complete(null);
		}
		else {
			report.done().completeExceptionally(refusal);
		}
	}

	@Override
	public void start() {
		this.running = true;
		this.thread = new Thread(this::loop, "nexus-report-writer");
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

	private record Report(Runnable work, CompletableFuture<Void> done) {

	}

}
