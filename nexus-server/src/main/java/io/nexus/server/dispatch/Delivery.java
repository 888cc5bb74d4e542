package io.nexus.server.dispatch;

import java.time.Clock;
import java.time.Instant;

import io.nexus.protocol.Traceparent;
import io.nexus.protocol.frames.TaskAssigned;
import io.nexus.server.shared.LogContext;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.UnreadableValue;
import io.nexus.server.tracing.TaskTraces;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Sends an assigned task to its agent and starts the acceptance clock. When Nexus traces,
 * the frame carries the context of the {@code task.assign} span, in the trace the task
 * was created in.
 */
@Component
public class Delivery {

	private static final Logger logger = LoggerFactory.getLogger(Delivery.class);

	private final JsonMapper json;

	private final Clock clock;

	private final TaskTraces traces;

	private final AckTimer ackTimer;

	private final InputDelivery inputs;

	Delivery(JsonMapper json, Clock clock, TaskTraces traces, AckTimer ackTimer, InputDelivery inputs) {
		this.inputs = inputs;
		this.json = json;
		this.clock = clock;
		this.traces = traces;
		this.ackTimer = ackTimer;
	}

	/**
	 * Sends an assigned task to its agent, its payload decoded here.
	 * @param agent the agent
	 * @param task the task, as claimed
	 * @throws RuntimeException if the payload cannot be turned into a frame (see
	 * {@link PoisonTasks#undeliverable})
	 */
	public void deliver(ConnectedAgent agent, Task task) {
		deliver(agent, task, payload(task));
	}

	/**
	 * Sends an assignment whose payload was already decoded with {@link #payload}.
	 * @param agent the agent
	 * @param task the task, as claimed
	 * @param payload its decoded payload
	 */
	void deliver(ConnectedAgent agent, Task task, @Nullable Object payload) {
		Instant now = this.clock.instant();
		agent.awaitAccept(task.id(), now);
		this.ackTimer.start(agent, task.id(), now);
		String traceparent = this.traces.assigned(task.id().value(), agent.id().value(), task.leaseEpoch(),
				task.attempts(), task.traceparent());
		if (traceparent != null) {
			agent.traced(task.id(), traceparent, now);
		}
		// deliver may run while a frame or a traced request is handled: its log context
		// comes back afterwards
		String outerTask = LogContext.swap(LogContext.TASK_ID, task.id().value());
		String outerAgent = LogContext.swap(LogContext.AGENT_ID, agent.id().value());
		Traceparent assignment = (traceparent != null) ? Traceparent.parse(traceparent) : null;
		String outerTrace = (assignment != null) ? LogContext.swap(LogContext.TRACE_ID, assignment.traceId()) : null;
		String outerSpan = (assignment != null) ? LogContext.swap(LogContext.SPAN_ID, assignment.spanId()) : null;
		try {
			logger.debug("Sending task {} to agent {} (lease {}, attempt {})", task.id(), agent.id(), task.leaseEpoch(),
					task.attempts());
			agent.channel()
				.send(new TaskAssigned(TaskAssigned.TYPE, task.id().value(), task.leaseEpoch(), task.attempts(),
						task.title(), task.description(), task.priority().wireName(), task.category(),
						task.requiredCapabilities(), payload, task.timeoutSeconds(), traceparent));
			this.inputs.assigned(agent, task);
		}
		finally {
			LogContext.swap(LogContext.TASK_ID, outerTask);
			LogContext.swap(LogContext.AGENT_ID, outerAgent);
			if (assignment != null) {
				LogContext.swap(LogContext.TRACE_ID, outerTrace);
				LogContext.swap(LogContext.SPAN_ID, outerSpan);
			}
		}
	}

	/**
	 * Decodes the payload of a task for its {@code task_assigned} frame.
	 * @param task the task
	 * @return the payload as a JSON value, or {@code null}
	 * @throws RuntimeException if the stored payload could not be read or is not JSON
	 * (the task can never be delivered): a payload that could not be read is never sent
	 * as if it were {@code null}
	 */
	@Nullable Object payload(Task task) {
		UnreadableValue unreadable = task.unreadablePayload();
		if (unreadable != null) {
			throw new IllegalStateException("the payload cannot be read: " + unreadable.reason());
		}
		return parse(task.payloadJson());
	}

	@Nullable Object parse(@Nullable String jsonText) {
		return (jsonText != null) ? this.json.readValue(jsonText, Object.class) : null;
	}

}
