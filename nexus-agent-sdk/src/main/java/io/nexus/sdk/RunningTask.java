package io.nexus.sdk;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import io.nexus.protocol.Traceparent;
import io.nexus.protocol.frames.InputRequest;
import io.nexus.protocol.frames.TaskAssigned;
import io.nexus.protocol.frames.TaskLease;
import io.nexus.protocol.frames.UsageReport;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * A lease this agent holds: from {@code task_assigned} until Nexus acknowledges its
 * result, or the lease is cancelled or taken away.
 */
final class RunningTask implements TaskContext {

	private final TaskAssigned assignment;

	private final JsonNode payload;

	private final JsonMapper dataMapper;

	private final ProgressSink progressSink;

	private volatile double lastPercent;

	private volatile @Nullable String lastMessage;

	private @Nullable UsageReport pendingUsage;

	private final @Nullable String childTraceparent;

	private volatile boolean cancelled;

	private volatile boolean finished;

	private volatile @Nullable Future<?> execution;

	private final Questions questions = new Questions();

	private final @Nullable QuestionSink questionSink;

	RunningTask(TaskAssigned assignment, JsonMapper dataMapper, ProgressSink progressSink) {
		this(assignment, dataMapper, progressSink, null);
	}

	RunningTask(TaskAssigned assignment, JsonMapper dataMapper, ProgressSink progressSink,
			@Nullable QuestionSink questionSink) {
		this.questionSink = questionSink;
		this.assignment = assignment;
		this.dataMapper = dataMapper;
		this.progressSink = progressSink;
		this.payload = (assignment.payload() != null) ? dataMapper.valueToTree(assignment.payload())
				: NullNode.getInstance();
		Traceparent parent = Traceparent.parse(assignment.traceparent());
		this.childTraceparent = (parent != null) ? parent.child().toString() : null;
	}

	@Override
	public String taskId() {
		return this.assignment.taskId();
	}

	@Override
	public long leaseEpoch() {
		return this.assignment.leaseEpoch();
	}

	@Override
	public int attempt() {
		return this.assignment.attempt();
	}

	@Override
	public String title() {
		return (this.assignment.title() != null) ? this.assignment.title() : "";
	}

	@Override
	public Duration timeout() {
		return Duration.ofSeconds(Math.max(0, this.assignment.timeoutSeconds()));
	}

	@Override
	public @Nullable String traceparent() {
		return this.assignment.traceparent();
	}

	@Override
	public @Nullable String childTraceparent() {
		return this.childTraceparent;
	}

	@Override
	public JsonNode payload() {
		return this.payload;
	}

	@Override
	public <T> @Nullable T payloadAs(Class<T> type) {
		if (this.payload.isNull()) {
			return null;
		}
		try {
			return this.dataMapper.treeToValue(this.payload, type);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(
					"Payload of task " + taskId() + " does not fit " + type.getName() + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public void progress(double percent, @Nullable String message) {
		if (!this.cancelled && !this.finished) {
			double clamped = Double.isNaN(percent) ? 0 : Math.max(0, Math.min(100, percent));
			this.lastPercent = clamped;
			this.lastMessage = message;
			this.progressSink.progress(this, clamped, message);
		}
	}

	@Override
	public JsonNode askHuman(String prompt, @Nullable String jsonSchema, @Nullable Duration timeout) {
		throwIfCancelled();
		JsonNode early = this.questions.takeEarly();
		if (early != null) {
			return early;
		}
		if (this.questionSink == null) {
			throw new UnsupportedOperationException("this context cannot ask for input");
		}
		Object schema = null;
		if (jsonSchema != null) {
			try {
				schema = this.dataMapper.readValue(jsonSchema, Object.class);
			}
			catch (RuntimeException ex) {
				throw new IllegalArgumentException("The schema is not JSON: " + ex.getMessage(), ex);
			}
		}
		Integer seconds = (timeout != null) ? (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds()))
				: null;
		InputRequest request = new InputRequest(InputRequest.TYPE, null, taskId(), leaseEpoch(),
				UUID.randomUUID().toString(), prompt, schema, seconds);
		CompletableFuture<JsonNode> answer = this.questions.open(request);
		this.questionSink.ask(this, request);
		try {
			return answer.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.questions.forget(request.requestId());
			throw new CancellationException("Task " + taskId() + " was cancelled while waiting for input");
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException failure) {
				throw failure;
			}
			throw new IllegalStateException(ex.getCause());
		}
	}

	Questions questions() {
		return this.questions;
	}

	@Override
	public void reportUsage(UsageReport usage) {
		String problem = usage.problem();
		if (problem != null) {
			throw new IllegalArgumentException(problem);
		}
		if (this.cancelled || this.finished) {
			return;
		}
		synchronized (this) {
			UsageReport kept = this.pendingUsage;
			if (kept != null && kept.cost() != null && usage.cost() != null
					&& !kept.effectiveCurrency().equals(usage.effectiveCurrency())) {
				// two currencies cannot share a report: the kept one goes first if it can
				this.progressSink.progress(this, this.lastPercent, this.lastMessage);
				kept = this.pendingUsage;
			}
			if (kept != null && kept.cost() != null && usage.cost() != null
					&& !kept.effectiveCurrency().equals(usage.effectiveCurrency())) {
				// still not connected: the tokens count, the cost in the second currency
				// is lost
				usage = new UsageReport(usage.inputTokens(), usage.outputTokens(), null, null, usage.model());
			}
			this.pendingUsage = (kept == null) ? usage : merge(kept, usage);
		}
		this.progressSink.progress(this, this.lastPercent, this.lastMessage);
	}

	/**
	 * Takes the usage reported and not yet sent.
	 * @return the sum of it, or {@code null} if none
	 */
	synchronized @Nullable UsageReport takeUsage() {
		UsageReport kept = this.pendingUsage;
		this.pendingUsage = null;
		return kept;
	}

	private static UsageReport merge(UsageReport a, UsageReport b) {
		return new UsageReport(sum(a.inputTokens(), b.inputTokens()), sum(a.outputTokens(), b.outputTokens()),
				(a.cost() == null) ? b.cost() : (b.cost() == null) ? a.cost() : a.cost().add(b.cost()),
				(a.cost() != null) ? a.currency() : b.currency(), (b.model() != null) ? b.model() : a.model());
	}

	private static @Nullable Long sum(@Nullable Long a, @Nullable Long b) {
		return (a == null) ? b : (b == null) ? a : Long.valueOf(a + b);
	}

	@Override
	public boolean isCancelled() {
		return this.cancelled;
	}

	TaskLease lease() {
		return new TaskLease(taskId(), leaseEpoch());
	}

	boolean isFinished() {
		return this.finished;
	}

	void finished() {
		this.finished = true;
	}

	/**
	 * Records the handler's execution; cancels it at once if the task was cancelled
	 * before it was submitted.
	 * @param execution the handler's future
	 */
	void started(Future<?> execution) {
		this.execution = execution;
		if (this.cancelled) {
			execution.cancel(true);
		}
	}

	/**
	 * Sets the cancellation flag and interrupts the handler.
	 */
	void cancel() {
		this.cancelled = true;
		Future<?> current = this.execution;
		if (current != null) {
			current.cancel(true);
		}
	}

	@Override
	public String toString() {
		return "task " + taskId() + " (lease " + leaseEpoch() + ")";
	}

	/**
	 * Where questions for people go.
	 */
	@FunctionalInterface
	interface QuestionSink {

		void ask(RunningTask task, InputRequest request);

	}

	/**
	 * Where progress reports go.
	 */
	@FunctionalInterface
	interface ProgressSink {

		void progress(RunningTask task, double percent, @Nullable String message);

	}

}
