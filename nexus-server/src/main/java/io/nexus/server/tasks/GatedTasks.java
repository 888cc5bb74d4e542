package io.nexus.server.tasks;

import java.time.Clock;
import java.util.Map;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.tasks.persistence.TaskEventRepository;
import io.nexus.server.tasks.persistence.TaskRepository;

import org.springframework.stereotype.Service;

/**
 * The end of a task's wait for approval, for the approval gates of governance: release it
 * to the queue, or cancel it and its dependents. Callers hold the transaction and lock
 * the task first.
 */
@Service
public class GatedTasks {

	private final TaskRepository tasks;

	private final TaskTransitions transitions;

	private final TaskEventRepository history;

	private final Clock clock;

	private final ApprovalGate approvals;

	GatedTasks(TaskRepository tasks, TaskTransitions transitions, TaskEventRepository history, Clock clock,
			ApprovalGate approvals) {
		this.approvals = approvals;
		this.tasks = tasks;
		this.transitions = transitions;
		this.history = history;
		this.clock = clock;
	}

	/**
	 * Reads a task and locks its row until the transaction ends.
	 * @param id the task
	 * @return the task
	 * @throws TaskNotFoundException if there is none
	 */
	public Task lock(TaskId id) {
		return this.tasks.lockById(id).orElseThrow(() -> new TaskNotFoundException(id));
	}

	/**
	 * Refuses a decision on a task that does not await approval.
	 * @param task the task, locked
	 * @throws ConflictException {@code task_not_awaiting_approval}, naming its status
	 */
	public static void checkAwaiting(Task task) {
		if (task.status() != TaskStatus.AWAITING_APPROVAL) {
			throw new ConflictException("task_not_awaiting_approval",
					"Task '" + task.id() + "' is " + task.status().wireName() + ", not awaiting_approval",
					Map.of("task_id", task.id().value(), "status", task.status().wireName()));
		}
	}

	/**
	 * Queues an approved task; dispatch wakes for it.
	 * @param task the task, awaiting approval and locked
	 * @param actor who gave the last approval
	 * @param reason the status reason
	 */
	public void release(Task task, String actor, String reason) {
		this.transitions.toQueued(task, actor, reason);
	}

	/**
	 * Records in the task's history that its wait for approval changed without a change
	 * of state (an escalation to the second approver group): an event from
	 * {@code awaiting_approval} to {@code awaiting_approval}, in the caller's
	 * transaction.
	 * @param task the task, awaiting approval and locked
	 * @param actor who changed it ({@code system} for a timeout)
	 * @param reason such as {@code approval_escalated to roles admin until ...}
	 */
	public void note(Task task, String actor, String reason) {
		this.history.append(new TaskEvent(0, task.id(), task.status(), task.status(), actor, reason, null,
				task.leaseEpoch(), this.clock.instant()));
	}

	/**
	 * Holds a running task that exceeded its own budget until a person grants more: it
	 * moves to {@code awaiting_approval}, its agent is told to stop ({@code task_cancel})
	 * and loses the lease, and an approval request opens. Approved, the task is queued
	 * again; rejected or expired, it is cancelled.
	 * @param task the task, assigned or in progress, locked
	 * @param actor who stops it ({@code system})
	 * @param reason the status reason, such as {@code budget_exceeded: ...}
	 */
	public void holdForBudget(Task task, String actor, String reason) {
		this.transitions.toAwaitingApproval(task, actor, reason);
		this.approvals.openForBudget(task);
	}

	/**
	 * Cancels a task that was rejected or whose approval expired; its dependents are
	 * cancelled as for a failed dependency.
	 * @param task the task, awaiting approval and locked
	 * @param actor who rejected it, or {@code system}
	 * @param reason {@code approval_rejected} or {@code approval_expired}
	 */
	public void refuse(Task task, String actor, String reason) {
		this.transitions.toTerminal(task, TaskStatus.CANCELLED, actor, reason, null, null);
	}

}
