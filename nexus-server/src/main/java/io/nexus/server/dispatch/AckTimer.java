package io.nexus.server.dispatch;

import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.nexus.server.tasks.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Ends each acceptance clock on time: when an assignment's ack timeout passes, the task
 * goes back from an agent that did not accept it at that moment, not at the reaper's next
 * round, so no task waits on a silent agent longer than one ack timeout. The timer runs
 * on a thread of its own; the reaper still checks every round for assignments whose timer
 * could not take them back.
 */
@Component
class AckTimer implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(AckTimer.class);

	private final ObjectProvider<LeaseReaper> reaper;

	private final long timeoutNanos;

	private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
		Thread thread = new Thread(task, "nexus-ack-timer");
		thread.setDaemon(true);
		return thread;
	});

	// the reaper is looked up when a clock ends: it depends (through the breaker and the
	// dispatcher) on the delivery that starts the clocks
	AckTimer(ObjectProvider<LeaseReaper> reaper, DispatchProperties properties) {
		this.reaper = reaper;
		this.timeoutNanos = properties.ackTimeout().toNanos();
		this.executor.setRemoveOnCancelPolicy(true);
		this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
	}

	/**
	 * Starts the acceptance clock of an assignment just sent.
	 * @param agent the agent it was sent to
	 * @param taskId the task
	 * @param sentAt when, as recorded on the agent's connection
	 */
	void start(ConnectedAgent agent, TaskId taskId, Instant sentAt) {
		try {
			this.executor.schedule(() -> expire(agent, taskId, sentAt), this.timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// shutting down: the reaper of whichever node runs next takes it back
		}
	}

	private void expire(ConnectedAgent agent, TaskId taskId, Instant sentAt) {
		try {
			this.reaper.getObject().takeBackUnaccepted(agent, taskId, sentAt);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not take back task {} from agent {} at its ack timeout; the reaper tries again", taskId,
					agent.id(), ex);
		}
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}
