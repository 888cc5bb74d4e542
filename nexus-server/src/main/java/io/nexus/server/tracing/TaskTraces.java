package io.nexus.server.tracing;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import io.nexus.protocol.Traceparent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.jspecify.annotations.Nullable;

/**
 * Records a task's journey as spans of one trace: {@code task.create} under the request
 * that created it, {@code task.assign} when dispatch sends it to an agent,
 * {@code task.run} for the agent's work (under the span id the agent chose) and
 * {@code task.complete} or {@code task.fail} when its report is stored. When tracing is
 * off every method is a null check and nothing more.
 */
public final class TaskTraces {

	static final String TASK_ID = "nexus.task.id";

	static final String AGENT_ID = "nexus.agent.id";

	private final @Nullable Tracer tracer;

	TaskTraces(@Nullable Tracer tracer) {
		this.tracer = tracer;
	}

	/**
	 * No tracing at all.
	 * @return traces that record nothing
	 */
	public static TaskTraces off() {
		return new TaskTraces(null);
	}

	/**
	 * Whether spans are recorded.
	 * @return {@code true} when tracing is on
	 */
	public boolean enabled() {
		return this.tracer != null;
	}

	/**
	 * Creates tasks inside a {@code task.create} span, a child of the current span (the
	 * HTTP request, which continues the caller's {@code traceparent} header).
	 * @param <T> what creation returns
	 * @param create creates the tasks, given the trace context to store with them
	 * ({@code null} when tracing is off)
	 * @param taskIds the ids of what was created
	 * @return what {@code create} returned
	 */
	public <T> T creation(Function<@Nullable String, T> create, Function<T, List<String>> taskIds) {
		Tracer tracer = this.tracer;
		if (tracer == null) {
			return create.apply(null);
		}
		Span span = tracer.spanBuilder("task.create").setSpanKind(SpanKind.INTERNAL).startSpan();
		try (Scope ignored = span.makeCurrent()) {
			T created = create.apply(traceparent(span.getSpanContext()));
			List<String> ids = taskIds.apply(created);
			span.setAttribute("nexus.task.count", ids.size());
			if (ids.size() == 1) {
				span.setAttribute(TASK_ID, ids.get(0));
			}
			return created;
		}
		catch (RuntimeException ex) {
			span.setStatus(StatusCode.ERROR, ex.getClass().getSimpleName());
			throw ex;
		}
		finally {
			span.end();
		}
	}

	/**
	 * Records the sending of a task to an agent as {@code task.assign}, a child of the
	 * context the task was created in (or a new trace if it has none).
	 * @param taskId the task
	 * @param agentId the agent
	 * @param leaseEpoch the lease
	 * @param attempt the attempt
	 * @param createdIn the task's stored trace context, if any
	 * @return the context for the {@code task_assigned} frame, or {@code null} when
	 * tracing is off
	 */
	public @Nullable String assigned(String taskId, String agentId, long leaseEpoch, int attempt,
			@Nullable String createdIn) {
		Tracer tracer = this.tracer;
		if (tracer == null) {
			return null;
		}
		Span span = tracer.spanBuilder("task.assign")
			.setParent(remote(Traceparent.parse(createdIn)))
			.setSpanKind(SpanKind.PRODUCER)
			.setAttribute(TASK_ID, taskId)
			.setAttribute(AGENT_ID, agentId)
			.setAttribute("nexus.lease_epoch", leaseEpoch)
			.setAttribute("nexus.attempt", attempt)
			.startSpan();
		span.end();
		return traceparent(span.getSpanContext());
	}

	/**
	 * Records the end of an assignment: the agent's work as {@code task.run} (from the
	 * assignment until now, under the span id of the agent's context when it sent one in
	 * this trace) and the stored report as {@code task.complete} or {@code task.fail}.
	 * @param taskId the task
	 * @param agentId the agent
	 * @param assignedIn the context of the assignment, if this node still knows it
	 * @param assignedAt when it was sent, if this node still knows it
	 * @param agentContext the {@code traceparent} of the agent's report, if any
	 * @param error why it failed, or {@code null} if it completed
	 */
	public void finished(String taskId, String agentId, @Nullable String assignedIn, @Nullable Instant assignedAt,
			@Nullable String agentContext, @Nullable String error) {
		Tracer tracer = this.tracer;
		if (tracer == null) {
			return;
		}
		Traceparent assignment = Traceparent.parse(assignedIn);
		Traceparent work = Traceparent.parse(agentContext);
		Context parent;
		if (assignment != null && assignedAt != null) {
			SpanBuilder run = tracer.spanBuilder("task.run")
				.setParent(remote(assignment))
				.setSpanKind(SpanKind.CONSUMER)
				.setStartTimestamp(assignedAt)
				.setAttribute(TASK_ID, taskId)
				.setAttribute(AGENT_ID, agentId);
			boolean sameTrace = work != null && work.traceId().equals(assignment.traceId());
			Span span = sameTrace ? ChosenSpanIds.withSpanId(work.spanId(), run::startSpan) : run.startSpan();
			if (error != null) {
				span.setStatus(StatusCode.ERROR, error);
			}
			span.end();
			parent = Context.root().with(span);
		}
		else if (work != null || assignment != null) {
			parent = remote((work != null) ? work : assignment);
		}
		else {
			return;
		}
		Span report = tracer.spanBuilder((error != null) ? "task.fail" : "task.complete")
			.setParent(parent)
			.setSpanKind(SpanKind.SERVER)
			.setAttribute(TASK_ID, taskId)
			.setAttribute(AGENT_ID, agentId)
			.startSpan();
		if (error != null) {
			report.setStatus(StatusCode.ERROR, error);
		}
		report.end();
	}

	private static Context remote(@Nullable Traceparent parent) {
		if (parent == null) {
			return Context.root();
		}
		SpanContext context = SpanContext.createFromRemoteParent(parent.traceId(), parent.spanId(),
				TraceFlags.fromHex(parent.flags(), 0), TraceState.getDefault());
		return Context.root().with(Span.wrap(context));
	}

	private static @Nullable String traceparent(SpanContext context) {
		return context.isValid()
				? "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex()
				: null;
	}

}
