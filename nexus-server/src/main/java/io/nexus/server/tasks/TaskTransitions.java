package io.nexus.server.tasks;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentId;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.tasks.persistence.StatusChange;
import io.nexus.server.tasks.persistence.TaskEventRepository;
import io.nexus.server.tasks.persistence.TaskRepository;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The one place where a task changes state. Each change is checked against
 * {@link TaskStatus#canTransitionTo}, written only if the row still has the status it was
 * read with, recorded in {@code task_events} in the same transaction, and followed by its
 * consequences for dependent tasks. Callers hold the transaction.
 */
@Component
class TaskTransitions {

	/** The actor of changes that Nexus makes by itself. */
	static final String SYSTEM = "system";

	private final TaskRepository tasks;

	private final TaskEventRepository history;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	TaskTransitions(TaskRepository tasks, TaskEventRepository history, ApplicationEventPublisher events, Clock clock) {
		this.tasks = tasks;
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

	void toQueued(Task task, String actor, String reason) {
		toQueued(task, actor, reason, null);
	}

	void toQueued(Task task, String actor, String reason, @Nullable Instant notBefore) {
		apply(task, new StatusChange(task.id(), task.status(), TaskStatus.QUEUED, reason, null, task.leaseEpoch(), null,
				null, notBefore, null, now()), actor, task.assignedAgent());
	}

	void toAssigned(Task task, AgentId agent, String actor, String reason) {
		apply(task, new StatusChange(task.id(), task.status(), TaskStatus.ASSIGNED, reason, agent,
				task.leaseEpoch() + 1, null, null, null, null, now()), actor, agent);
	}

	void toInProgress(Task task, String actor, Instant deadline) {
		apply(task,
				new StatusChange(task.id(), task.status(), TaskStatus.IN_PROGRESS, "accepted by agent",
						task.assignedAgent(), task.leaseEpoch(), null, null, null, deadline, now()),
				actor, task.assignedAgent());
	}

	void toTerminal(Task task, TaskStatus to, String actor, String reason, @Nullable Integer actualDuration,
			@Nullable String resultJson) {
		apply(task, new StatusChange(task.id(), task.status(), to, reason, task.assignedAgent(), task.leaseEpoch(),
				actualDuration, resultJson, null, null, now()), actor, task.assignedAgent());
		settleDependents(task.id(), to);
	}

	private void apply(Task task, StatusChange change, String actor, @Nullable AgentId agent) {
		if (!task.status().canTransitionTo(change.to())) {
			throw new IllegalTransitionException(task.id(), task.status(), change.to(),
					task.status().isTerminal()
							? "the task is " + task.status().wireName() + " and terminal states are final"
							: "not a step of the lifecycle");
		}
		if (!this.tasks.applyTransition(change)) {
			throw new ConflictException("concurrent_update",
					"Task '" + task.id() + "' changed while this request ran; read it again and retry");
		}
		this.history.append(new TaskEvent(0, task.id(), change.from(), change.to(), actor, change.reason(),
				(agent != null) ? agent.value() : null, change.leaseEpoch(), change.now()));
		this.events.publishEvent(
				new TaskStatusChanged(task.id(), change.from(), change.to(), change.agent(), task.assignedAgent(),
						change.leaseEpoch(), task.leaseEpoch(), change.reason(), actor, false, task, change.now()));
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
						toQueued(dependent, SYSTEM, "dependencies_completed");
					}
				}
				else {
					apply(dependent,
							new StatusChange(dependentId, dependent.status(), TaskStatus.CANCELLED, "dependency_failed",
									dependent.assignedAgent(), dependent.leaseEpoch(), null, null, null, null, now()),
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
