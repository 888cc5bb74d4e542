package io.nexus.server.tasks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentId;
import io.nexus.server.shared.NexusException;
import io.nexus.server.tasks.persistence.TaskLeaseRepository;
import io.nexus.server.tasks.persistence.TaskRepository;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The tasks façade for dispatch and agents: which tasks are ready, claims, and everything
 * an agent reports under a lease. Every report is fenced: it must name the agent that
 * holds the task and the current lease epoch, or it is refused with
 * {@link StaleLeaseException} and changes nothing.
 */
@Service
public class TaskLeases {

	/**
	 * How the reason of a revocation for a running attempt past its deadline begins (also
	 * after {@code "; last: "} when no attempts remain).
	 */
	public static final String TIMED_OUT_REASON = "timed out after ";

	private static final String DISPATCHER = TaskTransitions.DISPATCHER;

	/** How often dispatch rounds read the oldest ready tasks as well (aging). */
	private static final Duration AGING_READ_INTERVAL = Duration.ofSeconds(1);

	private final TaskRepository tasks;

	private final TaskLeaseRepository leases;

	private final TaskTransitions transitions;

	private final RetryPolicy retries;

	private final Clock clock;

	private final ObjectProvider<StartLimits> limits;

	private final FairShare fairShare;

	private final ApplicationEventPublisher events;

	private volatile @Nullable Instant lastAgingRead;

	TaskLeases(TaskRepository tasks, TaskLeaseRepository leases, TaskTransitions transitions, TaskProperties properties,
			Clock clock, ObjectProvider<StartLimits> limits, FairShare fairShare, ApplicationEventPublisher events) {
		this.events = events;
		this.limits = limits;
		this.fairShare = fairShare;
		this.tasks = tasks;
		this.leases = leases;
		this.transitions = transitions;
		this.retries = new RetryPolicy(properties.retryBackoff(), properties.maxRetryBackoff());
		this.clock = clock;
	}

	/**
	 * Queued tasks that may run now, in dispatch order: higher priority first, first in
	 * first out within a priority, and each minute of waiting worth one step of priority
	 * per {@code agingMinutes}, so that nothing starves.
	 * @param limit how many
	 * @param agingMinutes minutes of waiting that count as one priority step
	 * @param wanted which ready tasks the available agents could take
	 * @return the tasks in order
	 */
	@Transactional(readOnly = true)
	public Candidates dispatchable(int limit, int agingMinutes, WantedTasks wanted) {
		return candidates(limit, agingMinutes, wanted, false);
	}

	/**
	 * One dispatch round in one transaction: reads the ready tasks (on PostgreSQL locking
	 * them and skipping those another dispatcher holds), lets {@code choose} match them
	 * to agents in memory, and claims the matches. Frames are sent by the caller after
	 * this returns, that is after the commit. Tasks of a key at its limit
	 * ({@link StartLimits}) are not read, and {@code choose} sees only the tasks that fit
	 * the limits.
	 * @param limit how many tasks the round reads at most
	 * @param agingMinutes minutes of waiting that count as one priority step
	 * @param wanted which ready tasks the available agents could take
	 * @param choose picks an agent for each task it can place
	 * @return the tasks won, how many were read, and those that could not be read
	 */
	@Transactional
	public Round claimReady(int limit, int agingMinutes, WantedTasks wanted, Function<List<Task>, List<Claim>> choose) {
		StartLimits startLimits = this.limits.getIfAvailable();
		StartLimits.Gate gate = (startLimits != null) ? startLimits.open(this.clock.instant()) : StartLimits.Gate.OPEN;
		Candidates candidates = candidates(limit, agingMinutes, wanted.without(gate.held()), true);
		List<Task> ready = candidates.ready();
		if (gate != StartLimits.Gate.OPEN) {
			ready = ready.stream().filter(gate::admit).toList();
		}
		List<Task> won = claim(choose.apply(ready));
		gate.started(won);
		this.fairShare.claimed(won);
		return new Round(won, candidates.size(), candidates.unreadable(), gate.retryAfter());
	}

	/**
	 * Whether several dispatch rounds can share the queue without racing for the same
	 * rows: true on PostgreSQL, where rounds lock what they read and skip what others
	 * hold.
	 * @return whether concurrent rounds skip each other's rows
	 */
	public boolean sharesQueue() {
		return this.leases.skipsLocked();
	}

	/**
	 * Reads and locks, for one group commit of agent reports, the rows of the tasks they
	 * name and the dependents of those tasks, in two statements; the reports then run
	 * without reading them again. Runs in the caller's transaction.
	 * @param keys the keys of the reports (their task ids)
	 */
	public void prefetch(List<Object> keys) {
		List<TaskId> ids = keys.stream().filter(TaskId.class::isInstance).map(TaskId.class::cast).distinct().toList();
		if (ids.size() > 1) {
			this.leases.lockAll(ids);
		}
	}

	private Candidates candidates(int limit, int agingMinutes, WantedTasks wanted, boolean lock) {
		if (lock) {
			this.leases.planForActualValues();
		}
		Instant now = this.clock.instant();
		Map<TaskId, Task> candidates = new LinkedHashMap<>();
		Map<TaskId, UnreadableTask> unreadable = new LinkedHashMap<>();
		this.leases.dispatchable(now, limit, false, wanted, lock, (task) -> unreadable.put(task.id(), task))
			.forEach((task) -> candidates.put(task.id(), task));
		if (!lock || agingDue(now)) {
			this.leases
				.dispatchable(now, Math.max(1, limit / 4), true, wanted, lock,
						(task) -> unreadable.put(task.id(), task))
				.forEach((task) -> candidates.put(task.id(), task));
		}
		if (this.fairShare.active()) {
			// the oldest ready tasks of every key too, so that the key with most of the
			// backlog does not fill the read
			List<String> keys = this.fairShare.keys();
			int perKey = Math.max(4, limit / Math.max(1, keys.size()));
			Map<String, Integer> inHead = new HashMap<>();
			candidates.values()
				.stream()
				.filter((task) -> task.fairnessKey() != null)
				.forEach((task) -> inHead.merge(task.fairnessKey(), 1, Integer::sum));
			for (String key : keys) {
				if (inHead.getOrDefault(key, 0) >= perKey) {
					// the head of the queue has enough of this key already
					continue;
				}
				this.leases
					.dispatchable(now, perKey, false, wanted.of(key), lock, (task) -> unreadable.put(task.id(), task))
					.forEach((task) -> candidates.putIfAbsent(task.id(), task));
			}
		}
		List<Task> ordered = new ArrayList<>(candidates.values());
		ordered.sort(Comparator.comparingDouble((Task task) -> -effectivePriority(task, now, agingMinutes))
			.thenComparingLong(Task::seq));
		if (this.fairShare.active() || ordered.stream().anyMatch((task) -> task.fairnessKey() != null)) {
			ordered = this.fairShare.order(ordered, (task) -> Math.floor(effectivePriority(task, now, agingMinutes)));
		}
		return new Candidates((ordered.size() > limit) ? List.copyOf(ordered.subList(0, limit)) : ordered,
				List.copyOf(unreadable.values()));
	}

	/**
	 * Whether a dispatch round should also read the oldest tasks. Aging moves a task up
	 * one priority step per {@code agingMinutes}, so reading them once a second
	 * ({@link #AGING_READ_INTERVAL}) is as good as every round, and spares the rounds
	 * that each freed slot starts a second query.
	 */
	private boolean agingDue(Instant now) {
		Instant last = this.lastAgingRead;
		if (last != null && now.isBefore(last.plus(AGING_READ_INTERVAL)) && !now.isBefore(last)) {
			return false;
		}
		this.lastAgingRead = now;
		return true;
	}

	private static double effectivePriority(Task task, Instant now, int agingMinutes) {
		Instant since = (task.queuedAt() != null) ? task.queuedAt() : task.createdAt();
		double waitedMinutes = Math.max(0, Duration.between(since, now).toMillis() / 60_000.0);
		return task.priority().rank() + waitedMinutes / Math.max(1, agingMinutes);
	}

	/**
	 * Claims queued tasks for agents, all in one transaction and one batched transition
	 * (each claim consumes an attempt); a task that is no longer queued is skipped.
	 * @param claims which task goes to which agent, and why; each task as read, queued
	 * @return the tasks won, as they are now
	 * @throws IllegalTransitionException if a task was read in a status that cannot
	 * become {@code assigned}; nothing is claimed then
	 */
	@Transactional
	public List<Task> claim(List<Claim> claims) {
		return this.transitions.claimAll(claims);
	}

	/**
	 * Fails a task that can never be delivered (poison-message handling): its payload
	 * cannot be read or turned into a {@code task_assigned} frame. The task fails for
	 * good through the normal lifecycle (history, event, dependents cancelled with
	 * {@code dependency_failed}); retrying it would fail the same way. Nothing is
	 * decrypted for this, so a task that cannot be read can still be failed.
	 * @param id the task
	 * @param lease the lease the dispatcher gave it, or {@code null} if it is still
	 * queued
	 * @param reason the status reason, such as
	 * {@code payload_unreadable: encrypted value failed its integrity check}
	 * @return whether the task was failed; {@code false} if it had moved on meanwhile
	 */
	@Transactional
	public boolean poison(TaskId id, @Nullable Lease lease, String reason) {
		Task task = this.tasks.lockBare(id).orElse(null);
		if (task == null || !((lease != null) ? isCurrent(task, lease) : task.status() == TaskStatus.QUEUED)) {
			return false;
		}
		this.transitions.toTerminal(task, TaskStatus.FAILED, DISPATCHER, reason, null, null);
		return true;
	}

	/**
	 * Returns a task its agent has not accepted to the queue, because it cannot be sent
	 * (its payload's key is missing): it waits there for the key, like any queued task
	 * under a missing key. The attempt its assignment consumed is given back in the same
	 * change, since the task was never tried. Does nothing if the lease is no longer
	 * current or the task is no longer {@code assigned}.
	 * @param lease the lease to end
	 * @param reason the status reason
	 * @return whether the task went back to the queue
	 */
	@Transactional
	public boolean release(Lease lease, String reason) {
		Task task = lockTask(lease.taskId());
		if (!isCurrent(task, lease) || task.status() != TaskStatus.ASSIGNED) {
			return false;
		}
		this.transitions.toQueuedUnsent(task, DISPATCHER, reason);
		return true;
	}

	/**
	 * The agent starts the task; accepting twice under the same lease is harmless.
	 * @param lease the lease
	 * @return the task as it is now
	 */
	@Transactional(noRollbackFor = NexusException.class)
	public void accept(Lease lease) {
		Task task = current(lease);
		if (task.status() == TaskStatus.IN_PROGRESS || task.status() == TaskStatus.INPUT_REQUIRED) {
			return;
		}
		this.transitions.toInProgress(task, actor(lease), this.clock.instant().plusSeconds(task.timeoutSeconds()));
	}

	/**
	 * Stores progress; only the latest value is kept.
	 * @param lease the lease
	 * @param progress percent done
	 * @param message a note
	 */
	@Transactional(noRollbackFor = NexusException.class)
	public void progress(Lease lease, @Nullable Double progress, @Nullable String message) {
		Instant now = this.clock.instant();
		if (!this.leases.updateProgress(lease.taskId(), lease.agentId(), lease.epoch(), progress, message, now)) {
			current(lease);
			throw new StaleLeaseException(lease, "the task is not running");
		}
		this.events.publishEvent(new TaskProgressed(lease.taskId(), progress, message, now));
	}

	/**
	 * The task a report names, its row locked until the transaction ends, while the
	 * report's lease is current and the task runs; for usage reports, which are counted
	 * before the rest of the report is stored.
	 * @param lease the lease
	 * @return the task, or empty if it already finished under this very lease (a resent
	 * completion or failure: it is not counted again)
	 * @throws StaleLeaseException if the lease is not current
	 */
	@Transactional(noRollbackFor = NexusException.class)
	public Optional<Task> running(Lease lease) {
		Task task = lockTask(lease.taskId());
		if (task.status().isTerminal() && lease.agentId().equals(task.assignedAgent())
				&& lease.epoch() == task.leaseEpoch()) {
			return Optional.empty();
		}
		checkCurrent(task, lease);
		return Optional.of(task);
	}

	/**
	 * The agent finished the task. Completing again under the same lease returns the task
	 * unchanged, so that an agent may resend a completion whose acknowledgement it
	 * missed.
	 * @param lease the lease
	 * @param resultJson the output
	 * @return the task as it is now
	 */
	@Transactional(noRollbackFor = NexusException.class)
	public void complete(Lease lease, @Nullable String resultJson) {
		Task task = lockTask(lease.taskId());
		if (task.status() == TaskStatus.COMPLETED && lease.agentId().equals(task.assignedAgent())
				&& lease.epoch() == task.leaseEpoch()) {
			return;
		}
		checkCurrent(task, lease);
		this.transitions.toTerminal(task, TaskStatus.COMPLETED, actor(lease), "completed by agent", null, resultJson);
	}

	/**
	 * The agent failed the task: it is retried with backoff while attempts remain and the
	 * failure is retryable, and fails for good otherwise.
	 * @param lease the lease
	 * @param error what went wrong
	 * @param retryable whether another attempt may succeed
	 * @return the task as it is now
	 */
	@Transactional(noRollbackFor = NexusException.class)
	public void fail(Lease lease, String error, boolean retryable) {
		Task task = lockTask(lease.taskId());
		if (task.status() == TaskStatus.FAILED && lease.agentId().equals(task.assignedAgent())
				&& lease.epoch() == task.leaseEpoch()) {
			return;
		}
		checkCurrent(task, lease);
		if (!retryable) {
			this.transitions.toTerminal(task, TaskStatus.FAILED, actor(lease), "failed: " + error, null, null);
			return;
		}
		retryOrFail(task, actor(lease), "failed: " + error);
	}

	/**
	 * Takes a task away from its agent (ack timeout, lost agent, timeout) and retries it,
	 * or fails it if no attempts remain. Does nothing if the lease is no longer current.
	 * @param lease the lease to end
	 * @param reason why
	 * @return whether the lease was current and has now ended
	 */
	@Transactional
	public boolean revoke(Lease lease, String reason) {
		Task task = lockTask(lease.taskId());
		if (!isCurrent(task, lease)) {
			return false;
		}
		retryOrFail(task, "system", reason);
		return true;
	}

	void retryOrFail(Task task, String actor, String reason) {
		if (task.attempts() >= task.maxAttempts()) {
			this.transitions.toTerminal(task, TaskStatus.FAILED, actor,
					"gave up after " + task.attempts() + " attempt(s); last: " + reason, null, null);
			return;
		}
		Duration backoff = this.retries.backoff(task.attempts(), ThreadLocalRandom.current().nextDouble());
		this.transitions.toQueued(task, actor, reason + "; retry " + (task.attempts() + 1) + "/" + task.maxAttempts()
				+ " in " + backoff.toMillis() + " ms", this.clock.instant().plus(backoff));
	}

	/**
	 * The task reached its agent; from now on it is an ordinary lease.
	 * @param taskId the task
	 */
	@Transactional
	public void delivered(TaskId taskId) {
		this.leases.clearReservation(taskId);
	}

	@Transactional(readOnly = true)
	public List<Task> heldBy(AgentId agentId) {
		return this.leases.heldBy(agentId);
	}

	@Transactional(readOnly = true)
	public List<Task> pastDeadline(int limit) {
		return this.leases.pastDeadline(this.clock.instant(), limit);
	}

	@Transactional(readOnly = true)
	public Optional<Task> find(TaskId id) {
		return this.tasks.findById(id);
	}

	Task current(Lease lease) {
		Task task = lockTask(lease.taskId());
		checkCurrent(task, lease);
		return task;
	}

	private void checkCurrent(Task task, Lease lease) {
		if (!isCurrent(task, lease)) {
			String why = !Objects.equals(task.assignedAgent(), lease.agentId()) ? "the task is held by another agent"
					: (task.leaseEpoch() != lease.epoch()) ? "the current lease epoch is " + task.leaseEpoch()
							: "the task is " + task.status().wireName();
			throw new StaleLeaseException(lease, why);
		}
	}

	private static boolean isCurrent(Task task, Lease lease) {
		return lease.agentId().equals(task.assignedAgent()) && task.leaseEpoch() == lease.epoch()
				&& (task.status() == TaskStatus.ASSIGNED || task.status() == TaskStatus.IN_PROGRESS
						|| task.status() == TaskStatus.INPUT_REQUIRED);
	}

	Task lockTask(TaskId id) {
		return this.leases.lockForStatusChange(id).orElseThrow(() -> new TaskNotFoundException(id));
	}

	private static String actor(Lease lease) {
		return "agent:" + lease.agentId();
	}

	/**
	 * A dispatcher's decision to give a task to an agent.
	 *
	 * @param task the task as the dispatcher read it (queued)
	 * @param agentId the agent
	 * @param reason why this agent (score and factors)
	 */
	public record Claim(Task task, AgentId agentId, String reason) {

	}

	/**
	 * What one dispatch round claimed.
	 *
	 * @param won the tasks claimed, as they are now
	 * @param read how many rows the round read
	 * @param unreadable queued tasks that the round found but could not read
	 * @param retryAfter when a rate limit that held tasks back has room again, if one did
	 */
	public record Round(List<Task> won, int read, List<UnreadableTask> unreadable, @Nullable Duration retryAfter) {

	}

	/**
	 * What one dispatch round may work on.
	 *
	 * @param ready the queued tasks that may run now, in dispatch order
	 * @param unreadable queued tasks that the round found but could not read; they are
	 * not in {@code ready}
	 */
	public record Candidates(List<Task> ready, List<UnreadableTask> unreadable) {

		/**
		 * How many rows the round read.
		 * @return the number of ready and unreadable tasks
		 */
		public int size() {
			return this.ready.size() + this.unreadable.size();
		}

	}

}
