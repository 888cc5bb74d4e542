package io.nexus.server.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.shared.NexusException;
import io.nexus.server.tasks.Lease;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskLeases;
import io.nexus.server.tasks.UnreadableTask;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Poison-message handling: a task that can never be delivered (its payload failed its
 * integrity check, or cannot be turned into a {@code task_assigned} frame) is failed on
 * its own, so that it does not stop dispatch for the rest of the fleet. Each one is
 * logged at ERROR with the task and the column, recorded in the audit trail
 * ({@code task.poisoned}) and counted in {@code nexus_dispatch_poison_tasks_total}. The
 * stored value and the message of a decoding error (which may quote it) are never logged.
 */
@Component
public class PoisonTasks {

	private static final Logger logger = LoggerFactory.getLogger(PoisonTasks.class);

	private final TaskLeases leases;

	private final AuditLog audit;

	private final Counter poisoned;

	PoisonTasks(TaskLeases leases, AuditLog audit, MeterRegistry meters) {
		this.leases = leases;
		this.audit = audit;
		this.poisoned = Counter.builder("nexus.dispatch.poison.tasks")
			.description("Tasks that dispatch failed because they could never be delivered (unreadable payload)")
			.register(meters);
	}

	/**
	 * Fails a queued task that dispatch could not read.
	 * @param task the task and why it cannot be read
	 * @return whether it was failed now
	 */
	boolean unreadable(UnreadableTask task) {
		return unreadable(task, null);
	}

	/**
	 * Fails a task that dispatch could not read, queued or held by an agent.
	 * @param task the task and why it cannot be read
	 * @param lease the lease an agent holds it under, or {@code null} if it is queued
	 * @return whether it was failed now
	 */
	public boolean unreadable(UnreadableTask task, @Nullable Lease lease) {
		return fail(task.id(), lease, task.column(), task.failureReason());
	}

	/**
	 * Fails a task whose {@code task_assigned} frame could not be built.
	 * @param id the task
	 * @param lease the lease it was claimed under, or {@code null} if it is still queued
	 * @param failure what went wrong
	 * @return whether it was failed now
	 */
	public boolean undeliverable(TaskId id, @Nullable Lease lease, RuntimeException failure) {
		UnreadableTask task = new UnreadableTask(id, "payload",
				"could not be turned into a task_assigned frame (" + describe(failure) + ")");
		return fail(id, lease, task.column(), task.failureReason());
	}

	private boolean fail(TaskId id, @Nullable Lease lease, String column, String reason) {
		boolean failed;
		try {
			failed = this.leases.poison(id, lease, reason);
		}
		catch (RuntimeException ex) {
			logger.error("Task {} cannot be delivered ({} of tasks: {}) and could not be failed; dispatch skips it", id,
					column, reason, ex);
			return false;
		}
		if (failed) {
			this.poisoned.increment();
			logger.error("Task {} failed without being delivered: its {} (column tasks.{}) cannot be read: {}", id,
					column, column, reason);
			this.audit.recordAs("dispatcher", "task.poisoned", id.value(), AuditLog.FAILURE, reason);
		}
		return failed;
	}

	/**
	 * Names a failure without its message, unless it is one of Nexus's own (which never
	 * quote stored values): a decoding error may quote the payload.
	 */
	private static String describe(RuntimeException failure) {
		return (failure instanceof NexusException nexus) ? nexus.code() : failure.getClass().getSimpleName();
	}

}
