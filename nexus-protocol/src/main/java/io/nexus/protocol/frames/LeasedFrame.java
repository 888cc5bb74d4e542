package io.nexus.protocol.frames;

/**
 * A frame about a task held under a lease: the agent's reports on it, and Nexus's
 * assignment and cancellation. Every such frame names the task and the lease epoch, so
 * that a report from an older lease can be refused (fencing).
 */
public sealed interface LeasedFrame permits TaskAccept, TaskProgress, TaskComplete, TaskFail, TaskAssigned, TaskCancel,
		InputRequest, InputResponse {

	/**
	 * The task.
	 * @return its id
	 */
	String taskId();

	/**
	 * The lease under which the task is held.
	 * @return the lease epoch from {@code task_assigned}
	 */
	long leaseEpoch();

}
