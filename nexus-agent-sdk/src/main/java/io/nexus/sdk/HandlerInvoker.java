package io.nexus.sdk;

import java.lang.System.Logger.Level;

import io.nexus.protocol.frames.AgentFrame;
import io.nexus.protocol.frames.TaskComplete;
import io.nexus.protocol.frames.TaskFail;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a {@link TaskHandler} on a worker thread and turns what it returns or throws into
 * the frame that reports it.
 */
final class HandlerInvoker {

	private static final System.Logger logger = System.getLogger(HandlerInvoker.class.getName());

	/** Keeps error texts within what Nexus stores. */
	static final int MAX_ERROR_LENGTH = 4000;

	private final TaskHandler handler;

	private final JsonMapper dataMapper;

	private final FrameSender sender;

	HandlerInvoker(TaskHandler handler, JsonMapper dataMapper, FrameSender sender) {
		this.handler = handler;
		this.dataMapper = dataMapper;
		this.sender = sender;
	}

	/**
	 * Runs the handler.
	 * @param task the task
	 * @return {@code task_complete} or {@code task_fail} for it
	 */
	AgentFrame invoke(RunningTask task) {
		Object result;
		try {
			result = this.handler.handle(task);
		}
		catch (NonRetryableTaskException ex) {
			return fail(task, describe(ex), false);
		}
		catch (Throwable ex) {
			if (!task.isCancelled()) {
				logger.log(Level.WARNING, "Handler failed on " + task, ex);
			}
			return fail(task, describe(ex), true);
		}
		JsonNode json;
		try {
			json = this.dataMapper.valueToTree(result);
		}
		catch (RuntimeException ex) {
			return fail(task, "Result cannot be written as JSON: " + describe(ex), false);
		}
		return new TaskComplete(TaskComplete.TYPE, this.sender.nextId(), task.taskId(), task.leaseEpoch(), json,
				task.childTraceparent(), task.takeUsage());
	}

	private TaskFail fail(RunningTask task, String error, boolean retryable) {
		return new TaskFail(TaskFail.TYPE, this.sender.nextId(), task.taskId(), task.leaseEpoch(), error, retryable,
				task.takeUsage());
	}

	static String describe(Throwable ex) {
		String message = ex.getMessage();
		String text;
		if (message == null) {
			text = ex.getClass().getName();
		}
		else if (ex instanceof NonRetryableTaskException) {
			text = message;
		}
		else {
			text = ex.getClass().getSimpleName() + ": " + message;
		}
		return (text.length() > MAX_ERROR_LENGTH) ? text.substring(0, MAX_ERROR_LENGTH) : text;
	}

}
