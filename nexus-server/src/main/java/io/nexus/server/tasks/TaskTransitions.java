package io.nexus.server.tasks;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentId;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.tasks.persistence.StatusChange;
import io.nexus.server.tasks.persistence.TaskEventRepository;
import io.nexus.server.tasks.persistence.TaskLeaseRepository;
import io.nexus.server.tasks.persistence.TaskRepository;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The one place where a task changes state. Each change is checked against
 * {@link TaskStatus#canTransitionTo}, written only if the row still has the status it was
 * read with (together with its change of the attempt count), recorded in
 * {@code task_events} in the same transaction, and followed by its consequences for
 * dependent tasks. Callers hold the transaction.
 */
@Component
class TaskTransitions {

	/** The actor of changes that Nexus makes by itself. */
	static final String SYSTEM = "system";

	/**
	 * The actor of the dispatcher's claims, and of what it does with tasks it claimed.
	 */
	static final String DISPATCHER = "dispatcher";

	private final TaskRepository tasks;

	private final TaskLeaseRepository leases;

	private final TaskEventRepository history;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	private final ApprovalGate approvals;

	TaskTransitions(TaskRepository tasks, TaskLeaseRepository leases, TaskEventRepository history,
			ApplicationEventPublisher events, Clock clock, ApprovalGate approvals) {
		this.approvals = approvals;
		this.tasks = tasks;
		this.leases = leases;
		this.history = history;
		this.events = events;
		this.clock = clock;
	}

	/**
	 * Records the creation of a task in its history.
	 * @param task the new task
	 * @param actor who created it
	 * @param reason why it has its first status
	 */
	void created(Task task, String actor, String reason) {
		this.history.append(new TaskEvent(0, task.id(), null, task.status(), actor, reason, null, 0, task.createdAt()));
		this.events.publishEvent(new TaskStatusChanged(task.id(), null, task.status(), null, null, 0, 0, reason, actor,
				false, task, task.createdAt()));
	}

	/**
	 * Queues a task; one not tried yet keeps a {@code run_at} still ahead (it was held by
	 * dependencies or approval), so that it still waits for that time.
	 */
	void toQueued(Task task, String actor, String reason) {
		Instant now = now();
		boolean runAtAhead = task.attempts() == 0 && task.notBefore() != null && task.notBefore().isAfter(now);
		toQueued(task, actor, reason, runAtAhead ? task.notBefore() : null);
	}

	void toQueued(Task task, String actor, String reason, @Nullable Instant notBefore) {
		apply(task, new StatusChange(task.id(), task.status(), TaskStatus.QUEUED, reason, null, task.leaseEpoch(), 0,
				null, null, notBefore, null, now()), actor, task.assignedAgent());
	}

	/**
	 * Holds a task whose dependencies completed until a person approves it.
	 * @param task the task, pending
	 * @param actor who releases it from its dependencies
	 * @param reason the status reason
	 */
	void toAwaitingApproval(Task task, String actor, String reason) {
		apply(task, new StatusChange(task.id(), task.status(), TaskStatus.AWAITING_APPROVAL, reason, null,
				task.leaseEpoch(), 0, null, null, null, null, now()), actor, null);
	}

	/**
	 * Returns an assigned task to the queue that never reached its agent, and gives back
	 * the attempt its assignment consumed: the task was not tried.
	 * @param task the task, assigned
	 * @param actor who returns it
	 * @param reason why it could not be sent
	 */
	void toQueuedUnsent(Task task, String actor, String reason) {
		apply(task, new StatusChange(task.id(), task.status(), TaskStatus.QUEUED, reason, null, task.leaseEpoch(), -1,
				null, null, null, null, now()), actor, task.assignedAgent());
	}

	/**
	 * Assigns a task to an agent by hand: a new lease, and one attempt consumed, as for
	 * the dispatcher's claims (docs/api.md, {@code POST /api/tasks/{id}/assign}).
	 * @param task the task, queued
	 * @param agent the agent
	 * @param actor who assigns it
	 * @param reason the status reason
	 */
	void toAssigned(Task task, AgentId agent, String actor, String reason) {
		apply(task, new StatusChange(task.id(), task.status(), TaskStatus.ASSIGNED, reason, agent,
				task.leaseEpoch() + 1, 1, null, null, null, null, now()), actor, agent);
	}

	/**
	 * The dispatcher's claims of one round, in one batched conditional UPDATE: each task
	 * that is still queued goes to its agent under the next lease epoch and consumes an
	 * attempt, as {@link #toAssigned} does; one that is no longer queued is skipped. The
	 * history of the claims won is written with the transaction's other events, in one
	 * batch before the commit.
	 * @param claims which task goes to which agent, and why; each task as it was read
	 * @return the tasks won, as they are now
	 * @throws IllegalTransitionException if a task was read in a status that cannot
	 * become {@code assigned} (nothing is written then)
	 */
	List<Task> claimAll(List<TaskLeases.Claim> claims) {
		if (claims.isEmpty()) {
			return List.of();
		}
		Instant now = now();
		List<Task> claimed = new ArrayList<>(claims.size());
		for (TaskLeases.Claim claim : claims) {
			checkLegal(claim.task(), TaskStatus.ASSIGNED);
			claimed.add(claim.task().claimedBy(claim.agentId(), claim.reason(), now));
		}
		boolean[] won = this.leases.claim(claimed);
		List<Task> result = new ArrayList<>(claimed.size());
		for (int i = 0; i < won.length; i++) {
			if (won[i]) {
				Task before = claims.get(i).task();
				Task after = claimed.get(i);
				result.add(after);
				record(before,
						new StatusChange(after.id(), before.status(), TaskStatus.ASSIGNED, after.statusReason(),
								after.assignedAgent(), after.leaseEpoch(), 1, null, null, null, null, now),
						DISPATCHER, after.assignedAgent(), true);
			}
		}
		return result;
	}

	void toInProgress(Task task, String actor, Instant deadline) {
		apply(task,
				new StatusChange(task.id(), task.status(), TaskStatus.IN_PROGRESS, "accepted by agent",
						task.assignedAgent(), task.leaseEpoch(), 0, null, null, null, deadline, now()),
				actor, task.assignedAgent());
	}

	/**
	 * The task's agent asks a person for input: the task keeps its lease, and its
	 * deadline is cleared (the timeout clock pauses; the caller keeps what was left).
	 * @param task the task, in progress
	 * @param actor the agent
	 * @param reason the status reason
	 */
	void toInputRequired(Task task, String actor, String reason) {
		apply(task, new StatusChange(task.id(), task.status(), TaskStatus.INPUT_REQUIRED, reason, task.assignedAgent(),
				task.leaseEpoch(), 0, null, null, null, null, now()), actor, task.assignedAgent());
	}

	/**
	 * A person answered: the task runs again under the same lease with a new deadline.
	 * @param task the task, waiting for input
	 * @param actor who answered
	 * @param deadline the new deadline: now plus what was left of the timeout clock
	 */
	void toAnswered(Task task, String actor, Instant deadline) {
		apply(task,
				new StatusChange(task.id(), task.status(), TaskStatus.IN_PROGRESS, "input answered by " + actor,
						task.assignedAgent(), task.leaseEpoch(), 0, null, null, null, deadline, now()),
				actor, task.assignedAgent());
	}

	void toTerminal(Task task, TaskStatus to, String actor, String reason, @Nullable Integer actualDuration,
			@Nullable String resultJson) {
		apply(task, new StatusChange(task.id(), task.status(), to, reason, task.assignedAgent(), task.leaseEpoch(), 0,
				actualDuration, resultJson, null, null, now()), actor, task.assignedAgent());
		settleDependents(task.id(), to);
	}

	private void apply(Task task, StatusChange change, String actor, @Nullable AgentId agent) {
		checkLegal(task, change.to());
		if (!this.tasks.applyTransition(change)) {
			throw new ConflictException("concurrent_update",
					"Task '" + task.id() + "' changed while this request ran; read it again and retry");
		}
		record(task, change, actor, agent, false);
	}

	private static void checkLegal(Task task, TaskStatus to) {
		if (!task.status().canTransitionTo(to)) {
			throw new IllegalTransitionException(task.id(), task.status(), to,
					task.status().isTerminal()
							? "the task is " + task.status().wireName() + " and terminal states are final"
							: "not a step of the lifecycle");
		}
	}

	/**
	 * Records a change that was written: its history event (buffered until just before
	 * the commit) and its {@link TaskStatusChanged}.
	 */
	private void record(Task before, StatusChange change, String actor, @Nullable AgentId agent, boolean byDispatcher) {
		this.history.append(new TaskEvent(0, before.id(), change.from(), change.to(), actor, change.reason(),
				(agent != null) ? agent.value() : null, change.leaseEpoch(), change.now()));
		this.events.publishEvent(new TaskStatusChanged(before.id(), change.from(), change.to(), change.agent(),
				before.assignedAgent(), change.leaseEpoch(), before.leaseEpoch(), change.reason(), actor, byDispatcher,
				before, change.now()));
	}

	/**
	 * Releases or cancels the dependents of a task that just finished: all dependencies
	 * completed makes a pending task queued; a failed or cancelled dependency cancels its
	 * dependents, and theirs in turn.
	 */
	private void settleDependents(TaskId finishedId, TaskStatus finishedStatus) {
		Deque<Map.Entry<TaskId, TaskStatus>> work = new ArrayDeque<>();
		work.add(Map.entry(finishedId, finishedStatus));
		while (!work.isEmpty()) {
			Map.Entry<TaskId, TaskStatus> done = work.poll();
			for (TaskId dependentId : this.tasks.dependentsOf(done.getKey())) {
				// only the status matters here: a dependent with an unreadable payload is
				// cancelled too, instead of failing the change of the task it depends on
				Task dependent = this.tasks.lockBare(dependentId).orElseThrow();
				if (dependent.status().isTerminal()) {
					continue;
				}
				if (done.getValue() == TaskStatus.COMPLETED) {
					if (dependent.status() == TaskStatus.PENDING
							&& this.tasks.unfinishedDependencies(dependentId) == 0) {
						if (this.approvals.openIfRequired(dependent)) {
							toAwaitingApproval(dependent, SYSTEM, "dependencies_completed; approval_requested");
						}
						else {
							toQueued(dependent, SYSTEM, "dependencies_completed");
						}
					}
				}
				else {
					apply(dependent,
							new StatusChange(dependentId, dependent.status(), TaskStatus.CANCELLED, "dependency_failed",
									dependent.assignedAgent(), dependent.leaseEpoch(), 0, null, null, null, null,
									now()),
							SYSTEM, dependent.assignedAgent());
					work.add(Map.entry(dependentId, TaskStatus.CANCELLED));
				}
			}
		}
	}

	private Instant now() {
		return this.clock.instant();
	}

}
