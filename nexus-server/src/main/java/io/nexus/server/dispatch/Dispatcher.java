package io.nexus.server.dispatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.nexus.server.agents.AgentId;
import io.nexus.server.dispatch.DispatchProperties.UncategorisedTasks;
import io.nexus.server.shared.HotPathLoad;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.Lease;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskLeases;
import io.nexus.server.tasks.TaskLeases.Claim;
import io.nexus.server.tasks.TaskLeases.Round;
import io.nexus.server.tasks.UnreadableTask;
import io.nexus.server.tasks.WantedTasks;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The dispatch loop of this node: woken at once when a task becomes ready or an agent has
 * room (never polling on the hot path), it takes ready tasks in priority order, matches
 * each to the best eligible connected agent in memory, claims the matches in one
 * transaction, and only then sends the frames. A task that can never be delivered (its
 * payload cannot be read or decoded) is failed on its own by {@link PoisonTasks}; it
 * never fails the round for the others.
 */
@Component
public class Dispatcher implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(Dispatcher.class);

	/** The fewest ready tasks a round reads, however few slots are free. */
	private static final int MIN_READ = 32;

	private final AgentConnections connections;

	private final TaskLeases leases;

	private final Delivery delivery;

	private final DispatchProperties properties;

	private final PoisonTasks poison;

	private final Eligibility eligibility;

	private final Semaphore signal = new Semaphore(0);

	private volatile boolean running;

	/** Whether the last round left ready tasks that available agents could take. */
	private volatile boolean behind;

	/**
	 * When a rate limit that held tasks back has room again ({@link System#nanoTime()}),
	 * or 0.
	 */
	private volatile long limitedUntil;

	private final List<Thread> threads = new ArrayList<>();

	Dispatcher(AgentConnections connections, TaskLeases leases, Delivery delivery, DispatchProperties properties,
			PoisonTasks poison, HotPathLoad load, Eligibility eligibility) {
		load.register(() -> this.behind);
		this.eligibility = eligibility;
		this.connections = connections;
		this.leases = leases;
		this.delivery = delivery;
		this.properties = properties;
		this.poison = poison;
	}

	/**
	 * Asks for a dispatch round soon; cheap and safe to call from any thread.
	 */
	public void wake() {
		if (this.signal.availablePermits() == 0) {
			this.signal.release();
		}
	}

	/**
	 * Starts the dispatch threads: several where the database lets rounds skip each
	 * other's rows (PostgreSQL), one elsewhere, where parallel rounds would only race for
	 * the same tasks.
	 */
	@Override
	public void start() {
		this.running = true;
		int count = this.leases.sharesQueue() ? Math.max(1, this.properties.threads()) : 1;
		for (int i = 0; i < count; i++) {
			Thread thread = new Thread(this::loop, (count == 1) ? "nexus-dispatcher" : "nexus-dispatcher-" + i);
			thread.setDaemon(true);
			thread.start();
			this.threads.add(thread);
		}
	}

	@Override
	public void stop() {
		this.running = false;
		this.threads.forEach(Thread::interrupt);
		this.threads.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void loop() {
		while (this.running) {
			try {
				this.signal.tryAcquire(waitMillis(), TimeUnit.MILLISECONDS);
				this.signal.drainPermits();
				dispatchAll();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				logger.warn("Dispatch round failed; retrying on the next signal", ex);
			}
		}
	}

	/**
	 * How long the loop waits for a signal: until the next periodic round, or sooner when
	 * a rate limit has room again.
	 */
	private long waitMillis() {
		long wait = this.properties.reaperInterval().toMillis();
		long until = this.limitedUntil;
		if (until != 0) {
			wait = Math.min(wait, Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
		}
		return wait;
	}

	/**
	 * Runs rounds until no available agent can take any ready task.
	 */
	void dispatchAll() {
		while (this.running && (this.behind = dispatchRound())) {
			// keep going while full batches were dispatched, and let another thread
			// take the rows after this round's
			wake();
		}
	}

	/**
	 * What the round should read: tasks whose capabilities some available agent may use,
	 * uncategorised ones only if one of them takes those, and none of a category that
	 * every available agent is held from.
	 */
	private WantedTasks wanted(List<ConnectedAgent> available) {
		Set<String> offered = new HashSet<>();
		boolean uncategorised = false;
		Set<String> held = null;
		for (ConnectedAgent agent : available) {
			offered.addAll(agent.agent().capabilitiesInScope());
			uncategorised |= agent.agent().enrollmentScope() == null
					|| this.properties.uncategorisedTasks() == UncategorisedTasks.ALL_AGENTS;
			Set<String> refused = this.eligibility.heldCategories(agent);
			if (held == null) {
				held = new HashSet<>(refused);
			}
			else {
				held.retainAll(refused);
			}
		}
		return new WantedTasks(offered, uncategorised, (held != null) ? held : Set.of());
	}

	private boolean dispatchRound() {
		List<ConnectedAgent> available = this.connections.all().stream().filter(this.eligibility::takesWork).toList();
		if (available.isEmpty()) {
			return false;
		}
		WantedTasks wanted = wanted(available);
		int limit = readLimit(available);
		Map<TaskId, ConnectedAgent> chosen = new HashMap<>();
		Map<TaskId, @Nullable Object> payloads = new HashMap<>();
		List<TaskId> undeliverable = new ArrayList<>();
		List<RuntimeException> undeliverableCauses = new ArrayList<>();
		Round round;
		try {
			round = this.leases.claimReady(limit, this.properties.agingMinutes(), wanted, (ready) -> {
				// runs inside the claiming transaction: in memory only, no I/O
				chosen.values().forEach(ConnectedAgent::releaseSlot);
				chosen.clear();
				payloads.clear();
				undeliverable.clear();
				undeliverableCauses.clear();
				List<Claim> claims = new ArrayList<>();
				for (Task task : ready) {
					List<ConnectedAgent> eligible = available.stream()
						.filter((agent) -> this.eligibility.eligible(task, agent))
						.toList();
					ConnectedAgent best = this.eligibility.best(eligible).orElse(null);
					if (best == null) {
						continue;
					}
					Object payload;
					try {
						payload = this.delivery.payload(task);
					}
					catch (RuntimeException ex) {
						undeliverable.add(task.id());
						undeliverableCauses.add(ex);
						continue;
					}
					String reason = this.eligibility.explain(task, best, eligible.size());
					if (best.reserveSlot()) {
						chosen.put(task.id(), best);
						payloads.put(task.id(), payload);
						claims.add(new Claim(task, best.id(), reason));
					}
				}
				return claims;
			});
		}
		catch (RuntimeException ex) {
			chosen.values().forEach(ConnectedAgent::releaseSlot);
			throw ex;
		}
		this.limitedUntil = (round.retryAfter() != null) ? System.nanoTime() + round.retryAfter().toNanos() : 0;
		// a task that cannot be read or sent fails on its own instead of failing the
		// round
		int poisoned = 0;
		for (UnreadableTask unreadable : round.unreadable()) {
			poisoned += this.poison.unreadable(unreadable) ? 1 : 0;
		}
		for (int i = 0; i < undeliverable.size(); i++) {
			poisoned += this.poison.undeliverable(undeliverable.get(i), null, undeliverableCauses.get(i)) ? 1 : 0;
		}
		Set<TaskId> wonIds = new HashSet<>();
		for (Task task : round.won()) {
			wonIds.add(task.id());
			ConnectedAgent agent = chosen.get(task.id());
			if (isStillConnected(agent)) {
				deliver(agent, task, payloads.get(task.id()));
			}
		}
		chosen.forEach((taskId, agent) -> {
			if (!wonIds.contains(taskId)) {
				agent.releaseSlot();
			}
		});
		// another round may find more only if this one read a full batch and got
		// somewhere
		boolean more = round.read() >= limit;
		return more && (!round.won().isEmpty() || poisoned > 0);
	}

	/**
	 * How many ready tasks a round reads: twice the free slots of the available agents
	 * (room for tasks that the first-choice rows' rules turn away), at least
	 * {@value #MIN_READ}, at most the batch size. Reading a full batch while only a few
	 * slots are free would make every report that frees a slot re-read (and lock) the
	 * head of the queue.
	 */
	private int readLimit(List<ConnectedAgent> available) {
		long free = 0;
		for (ConnectedAgent agent : available) {
			free += Math.max(0, agent.agent().maxConcurrency() - agent.held());
		}
		return (int) Math.min(this.properties.batchSize(), Math.max(MIN_READ, 2 * free));
	}

	/**
	 * Sends a claimed task; if its frame cannot be built, the task fails on its own
	 * (which ends the lease and frees the slot) and the round goes on.
	 */
	private void deliver(ConnectedAgent agent, Task task, @Nullable Object payload) {
		try {
			this.delivery.deliver(agent, task, payload);
		}
		catch (RuntimeException ex) {
			this.poison.undeliverable(task.id(), new Lease(task.id(), agent.id(), task.leaseEpoch()), ex);
		}
	}

	private boolean isStillConnected(ConnectedAgent agent) {
		AgentId id = agent.id();
		return this.connections.get(id).filter((current) -> current == agent).isPresent();
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 100;
	}

}
