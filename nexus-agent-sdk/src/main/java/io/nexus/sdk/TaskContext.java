package io.nexus.sdk;

import java.time.Duration;
import java.util.concurrent.CancellationException;

import io.nexus.protocol.frames.UsageReport;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One assignment of a task to this agent, as a {@link TaskHandler} sees it.
 */
public interface TaskContext {

	/**
	 * The task's id.
	 * @return the id
	 */
	String taskId();

	/**
	 * The fencing number of this assignment; the SDK echoes it in every frame.
	 * @return the lease epoch
	 */
	long leaseEpoch();

	/**
	 * Which attempt this is, from 1.
	 * @return the attempt
	 */
	int attempt();

	/**
	 * The task's title.
	 * @return the title
	 */
	String title();

	/**
	 * How long this attempt may run before Nexus cancels it.
	 * @return the timeout, or {@link Duration#ZERO} if Nexus gave none
	 */
	Duration timeout();

	/**
	 * The task's input.
	 * @return the payload ({@code NullNode} when the task has none)
	 */
	JsonNode payload();

	/**
	 * The task's input converted to a type, with the agent's data mapper (field names as
	 * they are in the payload).
	 * @param <T> the type
	 * @param type the type
	 * @return the payload, or {@code null} when the task has none
	 * @throws IllegalArgumentException if the payload does not fit the type
	 */
	<T> @Nullable T payloadAs(Class<T> type);

	/**
	 * The W3C trace context Nexus sent with the assignment: the span of the assignment in
	 * the trace that began where the task was created. Present only when Nexus traces.
	 * @return the {@code traceparent} value as received, or {@code null}
	 */
	default @Nullable String traceparent() {
		return null;
	}

	/**
	 * The W3C trace context of this agent's work on the task: a child of
	 * {@link #traceparent()} (same trace id and flags, a new span id). The SDK sends it
	 * back with the result, and Nexus records the work as a span with this id. Use it as
	 * the parent of anything the handler calls or traces itself (for example as the
	 * {@code traceparent} header of outgoing HTTP requests).
	 * @return the {@code traceparent} value, or {@code null} if Nexus sent none
	 */
	default @Nullable String childTraceparent() {
		return null;
	}

	/**
	 * Reports how far the task has got. Sent at once when connected, dropped otherwise (a
	 * later report replaces it anyway); ignored once the task is cancelled.
	 * @param percent percent done, clamped to 0..100
	 * @param message a short note, or {@code null}
	 */
	void progress(double percent, @Nullable String message);

	/**
	 * Asks a person for input and waits for the answer (protocol frame
	 * {@code input_request}): the task waits in {@code input_required}, its timeout clock
	 * paused, until someone answers through the API or the dashboard; the answer fits
	 * {@code jsonSchema} (Nexus checks it). Blocks the handler's thread. A reconnection
	 * on the way is harmless: the SDK asks again under the same lease and gets the answer
	 * it missed. After a re-dispatch, an answer the previous attempt never received is
	 * returned by this attempt's first call at once.
	 * <p>
	 * If nobody answers within Nexus's default input timeout, the task ends by its
	 * failure policy and this call ends with {@link CancellationException}.
	 * @param prompt the question, 1-4000 characters
	 * @param jsonSchema a JSON Schema of the answer in the subset of {@code docs/api.md},
	 * as JSON text, or {@code null} for any answer
	 * @return the answer
	 * @throws CancellationException if the task is cancelled (also by the input timeout)
	 * while waiting
	 * @throws IllegalArgumentException if Nexus refused the question (for example an
	 * unsupported schema keyword)
	 */
	default JsonNode askHuman(String prompt, @Nullable String jsonSchema) {
		return askHuman(prompt, jsonSchema, null);
	}

	/**
	 * Asks a person for input, as {@link #askHuman(String, String)}, waiting at most
	 * {@code timeout} (cut by Nexus to {@code nexus.tasks.input-timeout-max}).
	 * @param prompt the question
	 * @param jsonSchema a JSON Schema of the answer, or {@code null}
	 * @param timeout how long to wait, whole seconds (at least one), or {@code null} for
	 * Nexus's default
	 * @return the answer
	 * @throws CancellationException if the task is cancelled or the wait times out
	 * @throws IllegalArgumentException if Nexus refused the question
	 */
	default JsonNode askHuman(String prompt, @Nullable String jsonSchema, @Nullable Duration timeout) {
		throw new UnsupportedOperationException("this context cannot ask for input");
	}

	/**
	 * Reports what the handler spent since its previous report (tokens, money): a delta
	 * that Nexus adds to the task's usage. It goes out at once on a {@code task_progress}
	 * when connected; otherwise it is kept and added to the next report, and whatever is
	 * still kept when the handler returns goes with the result ({@code task_complete} or
	 * {@code task_fail}, which the SDK sends until Nexus acknowledges it). A usage report
	 * on a progress frame lost with a connection at that very moment is not sent again.
	 * If the task has a budget, Nexus may cancel it after such a report
	 * ({@link #isCancelled()}). Ignored once the task is cancelled or finished.
	 * @param usage what was spent; see {@link UsageReport} for the bounds
	 * @throws IllegalArgumentException if a value is out of bounds
	 */
	default void reportUsage(UsageReport usage) {
		throw new UnsupportedOperationException("this context does not report usage");
	}

	/**
	 * Reports tokens used since the previous report; see
	 * {@link #reportUsage(UsageReport)}.
	 * @param inputTokens tokens read by the model
	 * @param outputTokens tokens written by the model
	 * @param model the model, or {@code null}
	 */
	default void reportUsage(long inputTokens, long outputTokens, @Nullable String model) {
		reportUsage(new UsageReport(inputTokens, outputTokens, null, null, model));
	}

	/**
	 * Whether Nexus cancelled the task (or the agent stopped): the handler should stop
	 * soon. Its result will not be sent.
	 * @return {@code true} once cancelled
	 */
	boolean isCancelled();

	/**
	 * Stops the handler if the task was cancelled.
	 * @throws CancellationException if {@link #isCancelled()}
	 */
	default void throwIfCancelled() {
		if (isCancelled()) {
			throw new CancellationException("Task " + taskId() + " was cancelled");
		}
	}

}
