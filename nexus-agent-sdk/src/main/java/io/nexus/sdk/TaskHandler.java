package io.nexus.sdk;

/**
 * The work an agent does for each task that Nexus assigns to it. Handlers run on the
 * agent's worker pool, at most {@code maxConcurrency} at a time, and must be thread-safe.
 */
@FunctionalInterface
public interface TaskHandler {

	/**
	 * Runs one task. Returning reports {@code task_complete} with the returned value as
	 * the result (any value Jackson can write, or {@code null}). Throwing reports
	 * {@code task_fail}: retryable unless the exception is a
	 * {@link NonRetryableTaskException}. When Nexus cancels the task the handler's thread
	 * is interrupted and {@link TaskContext#isCancelled()} turns {@code true}; whatever
	 * it returns or throws afterwards is ignored.
	 * @param context the task and a channel to report progress
	 * @return the result
	 * @throws Exception when the task fails
	 */
	Object handle(TaskContext context) throws Exception;

}
