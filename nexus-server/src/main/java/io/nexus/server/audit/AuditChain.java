package io.nexus.server.audit;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import io.nexus.server.audit.persistence.AuditRepository;
import io.nexus.server.audit.persistence.AuditRepository.ChainHead;
import io.nexus.server.audit.persistence.AuditRepository.Checkpoint;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The hash chain of the audit trail. Every event stores the hash of the event before it
 * and its own hash (see {@link AuditHashes}); appends lock the single row of
 * {@code audit_chain_head}, so the chain stays linear however many transactions and nodes
 * write at once. At startup the events written before the chain existed are sealed into
 * it; the retention prune deletes the oldest events and keeps the hash of the last one as
 * a checkpoint, where verification then starts.
 */
@Service
public class AuditChain implements InitializingBean {

	private static final Logger logger = LoggerFactory.getLogger(AuditChain.class);

	private static final Logger auditLogger = LoggerFactory.getLogger("nexus.audit");

	private static final int PAGE = 500;

	private static final int MAX_BATCHES_PER_RUN = 10;

	private final AuditRepository entries;

	private final AuditProperties properties;

	private final Clock clock;

	private final TransactionTemplate transactions;

	AuditChain(AuditRepository entries, AuditProperties properties, Clock clock,
			PlatformTransactionManager transactionManager) {
		this.entries = entries;
		this.properties = properties;
		this.clock = clock;
		this.transactions = new TransactionTemplate(transactionManager);
		this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/**
	 * Seals the events written before the chain existed (migration V20), oldest first, in
	 * one transaction that holds the head: a node that starts at the same time waits and
	 * then finds nothing left to seal.
	 */
	@Override
	public void afterPropertiesSet() {
		Long sealed = this.transactions.execute((status) -> {
			ChainHead head = this.entries.lockHead();
			long count = 0;
			List<AuditEntry> page;
			while (!(page = this.entries.unsealed(PAGE)).isEmpty()) {
				for (AuditEntry entry : page) {
					String hash = AuditHashes.hash(entry, entry.seq(), head.hash());
					this.entries.seal(entry.seq(), head.hash(), hash);
					head = new ChainHead(Math.max(entry.seq(), head.seq()), hash);
					count++;
				}
			}
			if (count > 0) {
				this.entries.moveHead(head);
			}
			return count;
		});
		if (sealed != null && sealed > 0) {
			logger.info("Sealed {} audit event(s) written before the hash chain into it", sealed);
		}
	}

	/**
	 * Appends an event at the end of the chain and writes its log line. Must run in a
	 * transaction that is the caller's own: the head stays locked until it ends.
	 * @param entry the event (its position and hashes are set here)
	 * @return the event as stored
	 */
	AuditEntry append(AuditEntry entry) {
		ChainHead head = this.entries.lockHead();
		AuditEntry stored = appendAfter(head, entry);
		return stored;
	}

	private AuditEntry appendAfter(ChainHead head, AuditEntry entry) {
		long seq = head.seq() + 1;
		AuditEntry timed = new AuditEntry(seq, AuditHashes.stored(entry.occurredAt()), entry.action(), entry.outcome(),
				entry.actor(), entry.target(), entry.address(), entry.detail(), null, null);
		AuditEntry stored = timed.chained(seq, head.hash(), AuditHashes.hash(timed, seq, head.hash()));
		this.entries.append(stored);
		this.entries.moveHead(new ChainHead(seq, stored.hash()));
		auditLogger.atLevel(AuditLog.SUCCESS.equals(stored.outcome()) ? Level.INFO : Level.WARN)
			.addKeyValue("audit.action", stored.action())
			.addKeyValue("audit.outcome", stored.outcome())
			.addKeyValue("audit.actor", stored.actor())
			.addKeyValue("audit.target", stored.target())
			.addKeyValue("audit.address", stored.address())
			.addKeyValue("audit.seq", seq)
			.addKeyValue("audit.hash", stored.hash())
			.log("audit action={} outcome={} actor={} target={} address={} detail={} seq={} hash={}", stored.action(),
					stored.outcome(), stored.actor(), stored.target(), stored.address(), stored.detail(), seq,
					stored.hash());
		return stored;
	}

	/**
	 * The head of the chain: the position and hash of the last event.
	 * @return the head
	 */
	@Transactional(readOnly = true)
	public AuditVerification.Head head() {
		ChainHead head = this.entries.head();
		return new AuditVerification.Head(head.seq(), head.hash());
	}

	/**
	 * Walks the chain, a page at a time, from {@code fromSeq} (or its start) through
	 * {@code toSeq} (or its head), and checks that each event links to the one before it
	 * and matches its own hash; a walk to the end also checks that the last event is the
	 * head.
	 * @param fromSeq the first position, or {@code null} for the start
	 * @param toSeq the last position, or {@code null} for the head
	 * @return what the walk found
	 */
	@Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
	public AuditVerification verify(@Nullable Long fromSeq, @Nullable Long toSeq) {
		ChainHead head = this.entries.head();
		Checkpoint checkpoint = this.entries.latestCheckpoint().orElse(null);
		String genesis = (checkpoint != null) ? checkpoint.lastHash() : AuditHashes.GENESIS;
		long start = (checkpoint != null) ? checkpoint.throughSeq() + 1 : 1;
		String expected;
		if (fromSeq != null && fromSeq > start) {
			start = fromSeq;
			expected = this.entries.hashBefore(fromSeq).orElse(genesis);
		}
		else {
			expected = genesis;
		}
		long end = (toSeq != null) ? Math.min(toSeq, head.seq()) : head.seq();
		long after = start - 1;
		long checked = 0;
		Long broken = null;
		String reason = null;
		AuditEntry last = null;
		walk: while (after < end) {
			List<AuditEntry> page = this.entries.chain(after, end, PAGE);
			if (page.isEmpty()) {
				break;
			}
			for (AuditEntry entry : page) {
				checked++;
				if (entry.hash() == null || entry.prevHash() == null) {
					broken = entry.seq();
					reason = "the event is not sealed into the chain";
					break walk;
				}
				if (!entry.prevHash().equals(expected)) {
					broken = entry.seq();
					reason = "prev_hash does not match the event before it (an event was deleted, inserted or moved)";
					break walk;
				}
				if (!AuditHashes.hash(entry, entry.seq(), entry.prevHash()).equals(entry.hash())) {
					broken = entry.seq();
					reason = "the event does not match its hash (it was changed)";
					break walk;
				}
				expected = entry.hash();
				last = entry;
				after = entry.seq();
			}
		}
		if (broken == null && end == head.seq() && (toSeq == null || toSeq >= head.seq())) {
			long lastSeq = (last != null) ? last.seq() : start - 1;
			if (!expected.equals(head.hash()) || (last != null && lastSeq != head.seq())) {
				broken = head.seq();
				reason = "the chain ends before its head (events were deleted at the end)";
			}
		}
		AuditVerification.Checkpoint anchor = (checkpoint != null) ? new AuditVerification.Checkpoint(
				checkpoint.throughSeq(), checkpoint.lastHash(), checkpoint.createdAt()) : null;
		return new AuditVerification(broken == null, checked, broken, reason, start, end,
				new AuditVerification.Head(head.seq(), head.hash()), anchor);
	}

	/**
	 * Deletes the events older than the retention, a bounded number per run.
	 * @return how many events were deleted
	 */
	@Scheduled(fixedDelayString = "${nexus.audit.prune-interval:1h}", initialDelayString = "5m")
	public long pruneExpired() {
		if (this.properties.retention().isZero()) {
			return 0;
		}
		return prune(this.clock.instant().minus(this.properties.retention()));
	}

	/**
	 * Deletes the events older than a time from the start of the chain (it stops at the
	 * first event that is not), in batches of their own transactions; each batch keeps a
	 * checkpoint and appends an {@code audit.pruned} event.
	 * @param before delete events older than this
	 * @return how many events were deleted
	 */
	public long prune(Instant before) {
		long total = 0;
		for (int batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
			Integer deleted = this.transactions.execute((status) -> pruneBatch(before));
			if (deleted == null || deleted == 0) {
				break;
			}
			total += deleted;
		}
		return total;
	}

	private int pruneBatch(Instant before) {
		ChainHead head = this.entries.lockHead();
		AuditEntry last = null;
		for (AuditEntry entry : this.entries.oldest(this.properties.pruneBatchSize())) {
			if (!entry.occurredAt().isBefore(before) || entry.hash() == null) {
				break;
			}
			last = entry;
		}
		if (last == null || last.hash() == null) {
			return 0;
		}
		Instant now = this.clock.instant();
		int deleted = this.entries.prune(new Checkpoint(now, last.seq(), last.hash(), 0));
		appendAfter(head,
				new AuditEntry(0, now, "audit.pruned", AuditLog.SUCCESS, "retention", "audit_log", null,
						deleted + " event(s) through seq " + last.seq() + " older than " + before + "; checkpoint hash "
								+ last.hash(),
						null, null));
		logger.info("Pruned {} audit event(s) through seq {}", deleted, last.seq());
		return deleted;
	}

}
