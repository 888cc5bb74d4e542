package io.nexus.server.shared;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The group commit on its own, with a transaction manager that only counts: units queued
 * together share a transaction, weights bound a transaction and the queue, a full queue
 * refuses, a refusal or a failure stays with its unit, and an outage fails a batch at
 * once.
 */
class GroupCommitterTests {

	private final CountingTransactions transactions = new CountingTransactions();

	private final CountDownLatch release = new CountDownLatch(1);

	private GroupCommitter committer;

	@AfterEach
	void stop() {
		this.release.countDown();
		if (this.committer != null) {
			this.committer.stop();
		}
	}

	@Test
	void unitsQueuedWhileTheWriterIsBusyShareOneTransaction() {
		start(GroupCommitter.Settings.DEFAULTS);
		CompletableFuture<Void> first = this.committer.submit("k", this::awaitRelease);
		await().until(() -> this.transactions.begun.get() == 1);
		List<CompletableFuture<Void>> queued = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			queued.add(this.committer.submit("k", () -> {
			}));
		}
		this.release.countDown();
		first.join();
		queued.forEach(CompletableFuture::join);
		assertThat(this.transactions.committed.get()).isEqualTo(2);
	}

	@Test
	void aTransactionTakesUnitsUpToItsMaximumWeight() {
		start(new GroupCommitter.Settings(100, 4, false, (keys) -> {
		}, () -> false));
		CompletableFuture<Void> first = this.committer.submit("k", this::awaitRelease);
		await().until(() -> this.transactions.begun.get() == 1);
		List<CompletableFuture<Void>> queued = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			queued.add(this.committer.submit("k", 2, () -> {
			}));
		}
		this.release.countDown();
		queued.forEach(CompletableFuture::join);
		// four units of weight 2 in transactions of at most 4: two transactions
		assertThat(this.transactions.committed.get()).isEqualTo(1 + 2);
	}

	@Test
	void aFullQueueRefusesAtOnceWithOverloadedAndCountsTheRefusal() {
		start(new GroupCommitter.Settings(3, 100, true, (keys) -> {
		}, () -> false));
		CompletableFuture<Void> first = this.committer.submit("k", this::awaitRelease);
		await().until(() -> this.transactions.begun.get() == 1);
		AtomicInteger ran = new AtomicInteger();
		CompletableFuture<Void> queued = this.committer.submit("k", 3, ran::incrementAndGet);
		assertThatExceptionOfType(OverloadedException.class)
			.isThrownBy(() -> this.committer.submit("k", 1, ran::incrementAndGet))
			.satisfies((ex) -> assertThat(ex.retryAfterSeconds()).isEqualTo(1));
		assertThat(this.committer.queuedWeight()).isEqualTo(3);
		assertThat(this.committer.refusedWeight()).isEqualTo(1);
		this.release.countDown();
		first.join();
		queued.join();
		assertThat(ran).hasValue(1);
	}

	@Test
	void anEmptyQueueTakesEvenAUnitHeavierThanItsCapacity() {
		start(new GroupCommitter.Settings(2, 100, true, (keys) -> {
		}, () -> false));
		AtomicInteger ran = new AtomicInteger();
		this.committer.submit("k", 50, ran::incrementAndGet).join();
		assertThat(ran).hasValue(1);
	}

	@Test
	void aUnitThatRefusesItselfGetsItsErrorWhileTheOthersCommitTogether() {
		start(GroupCommitter.Settings.DEFAULTS);
		CompletableFuture<Void> first = this.committer.submit("k", this::awaitRelease);
		await().until(() -> this.transactions.begun.get() == 1);
		CompletableFuture<Void> refused = this.committer.submit("k", () -> {
			throw new ConflictException("no", "refused");
		});
		CompletableFuture<Void> fine = this.committer.submit("k", () -> {
		});
		this.release.countDown();
		fine.join();
		assertThat(refused).failsWithin(5, TimeUnit.SECONDS)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(ConflictException.class);
		assertThat(this.transactions.committed.get()).isEqualTo(2);
	}

	@Test
	void aBatchThatFailsIsWrittenAgainUnitByUnitSoThatOnlyTheCulpritFails() {
		start(GroupCommitter.Settings.DEFAULTS);
		CompletableFuture<Void> first = this.committer.submit("k", this::awaitRelease);
		await().until(() -> this.transactions.begun.get() == 1);
		CompletableFuture<Void> broken = this.committer.submit("k", () -> {
			throw new IllegalStateException("broken");
		});
		CompletableFuture<Void> fine = this.committer.submit("k", () -> {
		});
		this.release.countDown();
		fine.join();
		assertThat(broken).failsWithin(5, TimeUnit.SECONDS)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(IllegalStateException.class);
		assertThat(this.transactions.rolledBack.get()).isEqualTo(2);
	}

	@Test
	void aBatchThatFailsBecauseTheDatabaseIsAwayFailsEveryUnitAtOnce() {
		start(GroupCommitter.Settings.DEFAULTS);
		CompletableFuture<Void> first = this.committer.submit("k", this::awaitRelease);
		await().until(() -> this.transactions.begun.get() == 1);
		CompletableFuture<Void> away = this.committer.submit("k", () -> {
			throw new DataAccessResourceFailureException("connection refused");
		});
		CompletableFuture<Void> innocent = this.committer.submit("k", () -> {
		});
		this.release.countDown();
		first.join();
		assertThat(innocent).failsWithin(5, TimeUnit.SECONDS)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(DataAccessResourceFailureException.class);
		assertThat(away).isCompletedExceptionally();
		// the batch was not retried unit by unit: one failed transaction, no more
		assertThat(this.transactions.begun.get()).isEqualTo(2);
	}

	@Test
	void thePreparationSeesTheKeysOfEachBatchInOrder() {
		List<List<Object>> prepared = new CopyOnWriteArrayList<>();
		start(new GroupCommitter.Settings(100, 100, false, prepared::add, () -> false));
		CompletableFuture<Void> first = this.committer.submit("first", this::awaitRelease);
		await().until(() -> this.transactions.begun.get() == 1);
		CompletableFuture<Void> a = this.committer.submit("a", () -> {
		});
		CompletableFuture<Void> b = this.committer.submit("b", () -> {
		});
		this.release.countDown();
		a.join();
		b.join();
		// a batch of one needs no preparation
		assertThat(prepared).containsExactly(List.of("a", "b"));
	}

	@Test
	void whileOtherWorkWaitsTheWriterAsksAfterEachBatch() {
		AtomicInteger asked = new AtomicInteger();
		start(new GroupCommitter.Settings(100, 100, false, (keys) -> {
		}, () -> asked.incrementAndGet() > 0));
		this.committer.submit("k", () -> {
		}).join();
		await().until(() -> asked.get() >= 1);
	}

	private void start(GroupCommitter.Settings settings) {
		this.committer = new GroupCommitter("test-writer", 1, new TransactionTemplate(this.transactions), settings);
		this.committer.start();
	}

	private void awaitRelease() {
		try {
			this.release.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A transaction manager with no resource: it counts what happens to transactions.
	 */
	private static final class CountingTransactions extends AbstractPlatformTransactionManager {

		final AtomicInteger begun = new AtomicInteger();

		final AtomicInteger committed = new AtomicInteger();

		final AtomicInteger rolledBack = new AtomicInteger();

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
			this.begun.incrementAndGet();
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
			this.committed.incrementAndGet();
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
			this.rolledBack.incrementAndGet();
		}

	}

}
