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
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.Lease;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskLeases;
import io.nexus.server.tasks.TaskLeases.Candidates;
import io.nexus.server.tasks.TaskLeases.Claim;
import io.nexus.server.tasks.UnreadableTask;
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

	private final AgentConnections connections;

	private final TaskLeases leases;

	private final Delivery delivery;

	private final DispatchProperties properties;

	private final PoisonTasks poison;

	private final Eligibility eligibility;

	private final Semaphore signal = new Semaphore(0);

	private volatile boolean running;

	private Thread thread;

	Dispatcher(AgentConnections connections, TaskLeases leases, Delivery delivery, DispatchProperties properties,
			PoisonTasks poison, Eligibility eligibility) {
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

	@Override
	public void start() {
		this.running = true;
		this.thread = new Thread(this::loop, "nexus-dispatcher");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.thread != null) {
			this.thread.interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void loop() {
		while (this.running) {
			try {
				this.signal.tryAcquire(this.properties.reaperInterval().toMillis(), TimeUnit.MILLISECONDS);
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
	 * Runs rounds until no available agent can take any ready task.
	 */
	void dispatchAll() {
		while (this.running && dispatchRound()) {
			// keep going while full batches were dispatched
		}
	}

	private boolean dispatchRound() {
		List<ConnectedAgent> available = this.connections.all().stream().filter(this.eligibility::takesWork).toList();
		if (available.isEmpty()) {
			return false;
		}
		Set<String> offered = new HashSet<>();
		available.forEach((agent) -> offered.addAll(agent.agent().capabilities()));
		int limit = this.properties.batchSize();
		Candidates candidates = this.leases.dispatchable(limit, this.properties.agingMinutes(), offered);
		// a task that cannot be read fails on its own instead of failing the round
		int poisoned = 0;
		for (UnreadableTask unreadable : candidates.unreadable()) {
			poisoned += this.poison.unreadable(unreadable) ? 1 : 0;
		}
		// another round may find more only if this one read a full batch and got
		// somewhere
		boolean more = candidates.size() >= limit;
		Map<TaskId, ConnectedAgent> chosen = new HashMap<>();
		Map<TaskId, @Nullable Object> payloads = new HashMap<>();
		List<Claim> claims = new ArrayList<>();
		for (Task task : candidates.ready()) {
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
				poisoned += this.poison.undeliverable(task.id(), null, ex) ? 1 : 0;
				continue;
			}
			String reason = this.eligibility.explain(best, eligible.size());
			if (best.reserveSlot()) {
				chosen.put(task.id(), best);
				payloads.put(task.id(), payload);
				claims.add(new Claim(task, best.id(), reason));
			}
		}
		if (claims.isEmpty()) {
			return more && poisoned > 0;
		}
		List<Task> won;
		try {
			won = this.leases.claim(claims);
		}
		catch (RuntimeException ex) {
			chosen.values().forEach(ConnectedAgent::releaseSlot);
			throw ex;
		}
		Set<TaskId> wonIds = new HashSet<>();
		for (Task task : won) {
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
		return more;
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
