package io.nexus.sdk;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.nexus.protocol.frames.Ack;
import io.nexus.protocol.frames.AgentFrame;
import io.nexus.protocol.frames.ErrorFrame;
import io.nexus.protocol.frames.InputRequest;
import io.nexus.protocol.frames.InputResponse;
import io.nexus.protocol.frames.TaskAccept;
import io.nexus.protocol.frames.TaskAssigned;
import io.nexus.protocol.frames.TaskCancel;
import io.nexus.protocol.frames.StatusUpdate;
import io.nexus.protocol.frames.TaskFail;
import io.nexus.protocol.frames.TaskLease;
import io.nexus.protocol.frames.TaskProgress;
import io.nexus.protocol.frames.UsageReport;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The leases this agent holds and the handlers that work on them. Every method except
 * {@link #heldTaskIds()} runs on the agent's event loop, so the state needs no locks;
 * handlers run on the worker pool and hand their outcome back to the loop.
 */
final class TaskRunner {

	private static final System.Logger logger = System.getLogger(TaskRunner.class.getName());

	private final Map<String, RunningTask> tasks = new ConcurrentHashMap<>();

	/** Frames sent and not yet answered, by frame id: accepts, and results to resend. */
	private final Map<String, Outstanding> outstanding = new LinkedHashMap<>();

	private final ScheduledExecutorService loop;

	private final ExecutorService workers;

	private final FrameSender sender;

	private final HandlerInvoker invoker;

	private final JsonMapper dataMapper;

	private final Backoff retryBackoff;

	private @Nullable CompletableFuture<Void> drained;

	TaskRunner(ScheduledExecutorService loop, ExecutorService workers, FrameSender sender, TaskHandler handler,
			JsonMapper dataMapper, Backoff retryBackoff) {
		this.loop = loop;
		this.workers = workers;
		this.sender = sender;
		this.dataMapper = dataMapper;
		this.retryBackoff = retryBackoff;
		this.invoker = new HandlerInvoker(handler, dataMapper, sender);
	}

	void onAssigned(TaskAssigned assignment) {
		if (this.drained != null) {
			logger.log(Level.INFO, "Refusing task {0}: the agent is draining", assignment.taskId());
			this.sender.send(new TaskFail(TaskFail.TYPE, this.sender.nextId(), assignment.taskId(),
					assignment.leaseEpoch(), "agent draining", true));
			return;
		}
		RunningTask held = this.tasks.get(assignment.taskId());
		if (held != null && held.leaseEpoch() >= assignment.leaseEpoch()) {
			logger.log(Level.DEBUG, "Ignoring a repeated assignment of {0}", held);
			if (held.leaseEpoch() == assignment.leaseEpoch() && !held.isFinished()) {
				accept(held);
			}
			return;
		}
		if (held != null) {
			drop(held, "superseded by lease " + assignment.leaseEpoch());
		}
		RunningTask task = new RunningTask(assignment, this.dataMapper, this::progress, this::ask);
		this.tasks.put(task.taskId(), task);
		accept(task);
		try {
			task.started(this.workers.submit(() -> execute(task)));
		}
		catch (RejectedExecutionException ex) {
			drop(task, "the agent is stopping");
		}
	}

	void onCancel(TaskCancel cancel) {
		RunningTask task = this.tasks.get(cancel.taskId());
		if (task != null && cancel.leaseEpoch() >= task.leaseEpoch()) {
			drop(task, "cancelled by Nexus: " + cancel.reason());
		}
	}

	/**
	 * A person's answer: completes the handler's {@code askHuman}, or is kept for the
	 * attempt's first question if none waits (after a re-dispatch).
	 * @param response the answer
	 */
	void onInputResponse(InputResponse response) {
		RunningTask task = this.tasks.get(response.taskId());
		if (task == null || task.leaseEpoch() != response.leaseEpoch() || task.isFinished()) {
			logger.log(Level.DEBUG, "Ignoring an answer for task {0} under lease {1}", response.taskId(),
					response.leaseEpoch());
			return;
		}
		task.questions().answered(response.requestId(), this.dataMapper.valueToTree(response.answer()));
	}

	void onAck(Ack ack) {
		Outstanding answered = (ack.id() != null) ? this.outstanding.remove(ack.id()) : null;
		if (answered != null && answered.result() != null) {
			RunningTask task = this.tasks.get(answered.taskId());
			if (task != null && task.leaseEpoch() == answered.leaseEpoch()) {
				this.tasks.remove(answered.taskId());
				logger.log(Level.DEBUG, "Nexus acknowledged the result of {0}", task);
			}
			checkDrained();
		}
	}

	/**
	 * Handles an {@code error} that answers a task frame. A retryable refusal (Nexus
	 * could not store the frame now, code {@code unavailable}) keeps the frame and sends
	 * it again after a backoff, until it is acknowledged or refused for good; any other
	 * refusal drops the task.
	 * @param error the error
	 * @return whether it answered a frame of this runner
	 */
	boolean onError(ErrorFrame error) {
		Outstanding refused = (error.id() != null) ? this.outstanding.remove(error.id()) : null;
		if (refused == null) {
			return false;
		}
		if (refused.frame() instanceof InputRequest question && !error.mayRetry() && !"stale_lease".equals(error.code())
				&& !"unknown_task".equals(error.code())) {
			// a question Nexus would not take: the handler hears why, the task goes on
			RunningTask task = this.tasks.get(refused.taskId());
			if (task != null) {
				task.questions()
					.refused(question.requestId(), new IllegalArgumentException(
							"Nexus refused the question: " + error.code() + ": " + error.message()));
			}
			return true;
		}
		if (error.mayRetry()) {
			retryLater(error.id(), refused, error);
			return true;
		}
		RunningTask task = this.tasks.get(refused.taskId());
		if (task != null && task.leaseEpoch() == refused.leaseEpoch()) {
			Level level = ("stale_lease".equals(error.code()) || "unknown_task".equals(error.code())) ? Level.INFO
					: Level.WARNING;
			logger.log(level, "Nexus refused a frame of {0}: {1} {2}", task, error.code(), error.message());
			drop(task, error.code());
		}
		return true;
	}

	/**
	 * After (re)registration: stops work on leases Nexus did not keep and resends the
	 * results it has not acknowledged (a repeat with the current lease is idempotent).
	 * @param resumed the leases Nexus kept, or {@code null} if it did not say
	 */
	void onRegistered(@Nullable List<TaskLease> resumed) {
		if (resumed != null) {
			Set<TaskLease> kept = new HashSet<>(resumed);
			for (RunningTask task : List.copyOf(this.tasks.values())) {
				if (!task.isFinished() && !kept.contains(task.lease())) {
					drop(task, "Nexus did not resume its lease");
				}
			}
		}
		for (Map.Entry<String, Outstanding> entry : this.outstanding.entrySet()) {
			AgentFrame result = entry.getValue().result();
			if (result != null) {
				this.sender.send(result);
			}
		}
		// questions still unanswered are asked again under the same lease: Nexus answers
		// with the answer it kept, if one came meanwhile
		for (RunningTask task : this.tasks.values()) {
			if (!task.isFinished()) {
				task.questions().waiting().forEach((question) -> send(task, question));
			}
		}
		checkDrained();
	}

	/**
	 * The leases to report in {@code agent_register}: running tasks and tasks whose
	 * result awaits acknowledgement.
	 * @return the leases
	 */
	List<TaskLease> leases() {
		List<TaskLease> leases = new ArrayList<>();
		this.tasks.values().forEach((task) -> leases.add(task.lease()));
		return leases;
	}

	/**
	 * The tasks this agent holds (safe from any thread).
	 * @return their ids
	 */
	List<String> heldTaskIds() {
		return List.copyOf(this.tasks.keySet());
	}

	/**
	 * Stops taking tasks; completes the future once every held task's result is
	 * acknowledged.
	 * @param drained the future to complete
	 */
	void drain(CompletableFuture<Void> drained) {
		this.drained = drained;
		// Tell Nexus first, so that it stops assigning instead of having tasks refused.
		this.sender.send(new StatusUpdate(StatusUpdate.TYPE, this.sender.nextId(), "draining"));
		checkDrained();
	}

	/**
	 * Cancels every handler and forgets every lease.
	 * @param reason why, for the log
	 */
	void cancelAll(String reason) {
		List.copyOf(this.tasks.values()).forEach((task) -> drop(task, reason));
	}

	/**
	 * Flags and interrupts every handler without touching the loop's state (safe from any
	 * thread; for a crash).
	 */
	void interruptAll() {
		this.tasks.values().forEach(RunningTask::cancel);
	}

	private void accept(RunningTask task) {
		String id = this.sender.nextId();
		TaskAccept frame = new TaskAccept(TaskAccept.TYPE, id, task.taskId(), task.leaseEpoch());
		this.outstanding.put(id, new Outstanding(task.taskId(), task.leaseEpoch(), frame, 0));
		this.sender.send(frame);
	}

	private void ask(RunningTask task, InputRequest question) {
		post(() -> {
			if (!task.isCancelled() && !task.isFinished() && this.tasks.get(task.taskId()) == task) {
				send(task, question);
			}
		});
	}

	private void send(RunningTask task, InputRequest question) {
		String id = this.sender.nextId();
		InputRequest frame = new InputRequest(InputRequest.TYPE, id, question.taskId(), question.leaseEpoch(),
				question.requestId(), question.prompt(), question.schema(), question.timeoutSeconds());
		this.outstanding.put(id, new Outstanding(task.taskId(), task.leaseEpoch(), frame, 0));
		this.sender.send(frame);
	}

	private void execute(RunningTask task) {
		AgentFrame outcome = this.invoker.invoke(task);
		post(() -> finished(task, outcome));
	}

	private void finished(RunningTask task, AgentFrame outcome) {
		if (task.isCancelled() || this.tasks.get(task.taskId()) != task) {
			return;
		}
		task.finished();
		this.outstanding.put(outcome.id(), new Outstanding(task.taskId(), task.leaseEpoch(), outcome, 0));
		this.sender.send(outcome);
	}

	private void progress(RunningTask task, double percent, @Nullable String message) {
		// taken now, so that what the handler reports next is not mixed in; kept for a
		// later report while the agent is not connected
		UsageReport usage = this.sender.isReady() ? task.takeUsage() : null;
		post(() -> {
			if (!task.isCancelled() && !task.isFinished() && this.tasks.get(task.taskId()) == task) {
				this.sender.send(new TaskProgress(TaskProgress.TYPE, null, task.taskId(), task.leaseEpoch(), percent,
						message, usage));
			}
		});
	}

	/**
	 * Keeps a refused frame and sends it again, with the same id, after a backoff: unless
	 * by then it was answered, its task dropped, or its lease replaced.
	 */
	private void retryLater(String id, Outstanding refused, ErrorFrame error) {
		RunningTask task = this.tasks.get(refused.taskId());
		if (task == null || task.leaseEpoch() != refused.leaseEpoch()) {
			return;
		}
		Outstanding waiting = refused.retried();
		this.outstanding.put(id, waiting);
		long delay = Math.max(50, this.retryBackoff.delay(refused.retries()).toMillis());
		logger.log(Level.INFO, "Nexus cannot store a frame of {0} now ({1}); sending it again in {2} ms", task,
				error.code(), delay);
		try {
			this.loop.schedule(() -> {
				if (this.outstanding.get(id) == waiting) {
					this.sender.send(waiting.frame());
				}
			}, delay, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			logger.log(Level.DEBUG, "Agent stopped; not sending {0} again", task);
		}
	}

	private void drop(RunningTask task, String reason) {
		logger.log(Level.INFO, "Dropping {0}: {1}", task, reason);
		this.tasks.remove(task.taskId(), task);
		this.outstanding.values().removeIf((sent) -> sent.taskId().equals(task.taskId()));
		task.cancel();
		checkDrained();
	}

	private void checkDrained() {
		if (this.drained != null && this.tasks.isEmpty()) {
			this.drained.complete(null);
		}
	}

	private void post(Runnable action) {
		try {
			this.loop.execute(action);
		}
		catch (RejectedExecutionException ex) {
			logger.log(Level.DEBUG, "Agent stopped; dropping a task event");
		}
	}

	/**
	 * A frame that awaits an {@code ack} or {@code error}: an accept or a result.
	 *
	 * @param taskId the task
	 * @param leaseEpoch the lease it was sent under
	 * @param frame the frame, to send again
	 * @param retries how many retryable refusals it had
	 */
	private record Outstanding(String taskId, long leaseEpoch, AgentFrame frame, int retries) {

		/** The result (complete or fail), or {@code null} for an accept or a question. */
		@Nullable AgentFrame result() {
			return (this.frame instanceof TaskAccept || this.frame instanceof InputRequest) ? null : this.frame;
		}

		Outstanding retried() {
			return new Outstanding(this.taskId, this.leaseEpoch, this.frame, this.retries + 1);
		}

	}

}
