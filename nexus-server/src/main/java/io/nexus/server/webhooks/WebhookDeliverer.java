package io.nexus.server.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nexus.server.ops.NodeIdentity;
import io.nexus.server.webhooks.persistence.DeliveryRepository;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers due webhook deliveries on a bounded pool of its own threads
 * ({@code nexus.webhooks.threads}), so that slow or broken receivers never hold a thread
 * of dispatch or of the API. One loop per node claims at most as many due deliveries as
 * it has free threads (in one short transaction, skipping rows that other nodes have
 * locked), hands them to the pool, and waits for a wake-up (an event committed on this
 * node, a thread freed) or the poll interval. A claim lapses after the request's timeouts
 * and a margin, so the deliveries of a node that died mid-attempt are taken again: at
 * least once.
 */
@Component
public class WebhookDeliverer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(WebhookDeliverer.class);

	private static final Duration HOUSEKEEPING_INTERVAL = Duration.ofSeconds(15);

	private final DeliveryRepository deliveries;

	private final DeliveryAttempts attempts;

	private final WebhookProperties properties;

	private final PlatformTransactionManager transactionManager;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final String nodeId;

	private final Semaphore signal = new Semaphore(0);

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicLong pending = new AtomicLong();

	private volatile boolean running;

	private @Nullable Thread loop;

	private @Nullable ExecutorService pool;

	private Instant lastHousekeeping = Instant.EPOCH;

	WebhookDeliverer(DeliveryRepository deliveries, DeliveryAttempts attempts, WebhookProperties properties,
			PlatformTransactionManager transactionManager, Clock clock, NodeIdentity node, MeterRegistry meters) {
		this.deliveries = deliveries;
		this.attempts = attempts;
		this.properties = properties;
		this.transactionManager = transactionManager;
		this.transactions = new TransactionTemplate(transactionManager);
		this.clock = clock;
		this.nodeId = node.nodeId();
		Gauge.builder("nexus.webhook.deliveries.pending", this.pending, AtomicLong::get)
			.description("Webhook deliveries not yet acknowledged nor given up, all nodes, as this node last counted")
			.register(meters);
	}

	/**
	 * Another deliverer with the same collaborators that claims as another node (for
	 * tests of several nodes on one database).
	 * @return the deliverer, not started
	 */
	WebhookDeliverer asAnotherNode() {
		return new WebhookDeliverer(this.deliveries, this.attempts, this.properties, this.transactionManager,
				this.clock, new NodeIdentity(), new SimpleMeterRegistry());
	}

	/**
	 * The node it claims as.
	 * @return the node id
	 */
	String nodeId() {
		return this.nodeId;
	}

	/**
	 * Asks for a look at due deliveries soon; cheap and safe from any thread.
	 */
	public void wake() {
		if (this.signal.availablePermits() == 0) {
			this.signal.release();
		}
	}

	@Override
	public void start() {
		if (!this.properties.enabled()) {
			return;
		}
		AtomicInteger threads = new AtomicInteger();
		this.pool = new ThreadPoolExecutor(this.properties.threads(), this.properties.threads(), 0,
				TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "nexus-webhook-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.running = true;
		Thread thread = new Thread(this::loop, "nexus-webhook-claims");
		thread.setDaemon(true);
		thread.start();
		this.loop = thread;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.loop != null) {
			this.loop.interrupt();
			this.loop = null;
		}
		if (this.pool != null) {
			this.pool.shutdownNow();
			this.pool = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void loop() {
		while (this.running) {
			try {
				this.signal.tryAcquire(this.properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
				this.signal.drainPermits();
				deliverDue();
				housekeeping();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				logger.warn("Claiming webhook deliveries failed; retrying after the poll interval: {}", ex.toString());
			}
		}
	}

	/**
	 * Claims as many due deliveries as there are free threads and starts them.
	 * @return how many were started
	 */
	int deliverDue() {
		ExecutorService executor = this.pool;
		int free = this.properties.threads() - this.inFlight.get();
		if (executor == null || free <= 0) {
			return 0;
		}
		Instant now = this.clock.instant();
		List<WebhookDelivery> claimed = this.transactions.execute((status) -> this.deliveries
			.claim(this.deliveries.due(now, free), this.nodeId, now, now.plus(this.properties.claimTimeout())));
		for (WebhookDelivery delivery : (claimed != null) ? claimed : List.<WebhookDelivery>of()) {
			this.inFlight.incrementAndGet();
			executor.execute(() -> {
				try {
					this.attempts.attempt(delivery, this.nodeId);
				}
				catch (RuntimeException ex) {
					// the claim lapses and another attempt follows
					logger.warn("Webhook delivery {} could not be recorded: {}", delivery.id(), ex.toString());
				}
				finally {
					this.inFlight.decrementAndGet();
					wake();
				}
			});
		}
		return (claimed != null) ? claimed.size() : 0;
	}

	private void housekeeping() {
		Instant now = this.clock.instant();
		if (now.isBefore(this.lastHousekeeping.plus(HOUSEKEEPING_INTERVAL))) {
			return;
		}
		this.lastHousekeeping = now;
		this.deliveries.deleteFinishedBefore(now.minus(this.properties.logRetention()), 1000);
		this.pending.set(this.deliveries.countPending());
	}

}
