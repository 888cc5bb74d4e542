package io.nexus.sdk;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.nexus.protocol.frames.InputRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The questions one lease has asked a person and not yet got answered, and an answer that
 * came before any question (sent after a re-dispatch, for the previous attempt's
 * question). Safe from the handler's thread and the event loop.
 */
final class Questions {

	private final Map<String, Pending> pending = new ConcurrentHashMap<>();

	/** Questions answered already: a repeated answer to one of them is ignored. */
	private final Set<String> answered = ConcurrentHashMap.newKeySet();

	private volatile @Nullable JsonNode early;

	/**
	 * Takes the answer that came before any question, if there is one.
	 * @return the answer, or {@code null}
	 */
	synchronized @Nullable JsonNode takeEarly() {
		JsonNode answer = this.early;
		this.early = null;
		return answer;
	}

	CompletableFuture<JsonNode> open(InputRequest request) {
		Pending question = new Pending(request, new CompletableFuture<>());
		this.pending.put(request.requestId(), question);
		return question.answer();
	}

	/**
	 * An answer arrived.
	 * @param requestId the question
	 * @param answer the answer
	 */
	synchronized void answered(String requestId, JsonNode answer) {
		if (!this.answered.add(requestId)) {
			return;
		}
		Pending question = this.pending.remove(requestId);
		if (question != null) {
			question.answer().complete(answer);
		}
		else if (this.pending.isEmpty()) {
			this.early = answer;
		}
	}

	void refused(String requestId, RuntimeException failure) {
		Pending question = this.pending.remove(requestId);
		if (question != null) {
			question.answer().completeExceptionally(failure);
		}
	}

	void forget(String requestId) {
		this.pending.remove(requestId);
	}

	/**
	 * The questions still waiting, to ask again after a reconnection.
	 * @return their frames
	 */
	Iterable<InputRequest> waiting() {
		return this.pending.values().stream().map(Pending::request).toList();
	}

	private record Pending(InputRequest request, CompletableFuture<JsonNode> answer) {

	}

}
