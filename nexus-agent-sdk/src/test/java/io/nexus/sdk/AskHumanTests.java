package io.nexus.sdk;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.nexus.protocol.frames.InputRequest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * {@code TaskContext.askHuman} on its own: the question it sends, the answer that ends
 * the wait, an answer that came before the question, repeats and refusals.
 */
class AskHumanTests {

	private final List<InputRequest> asked = new CopyOnWriteArrayList<>();

	private final RunningTask task = new RunningTask(Tasks.assigned("t1", 4, Map.of()), JsonMapper.builder().build(),
			(task, percent, message) -> {
			}, (task, question) -> this.asked.add(question));

	@Test
	void sendsTheQuestionAndReturnsTheAnswer() throws Exception {
		CompletableFuture<JsonNode> answer = CompletableFuture
			.supplyAsync(() -> this.task.askHuman("Ship?", "{\"type\":\"boolean\"}", Duration.ofMillis(90_500)));
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.asked.isEmpty());
		InputRequest question = this.asked.get(0);
		assertThat(question.taskId()).isEqualTo("t1");
		assertThat(question.leaseEpoch()).isEqualTo(4);
		assertThat(question.prompt()).isEqualTo("Ship?");
		assertThat(question.schema()).isEqualTo(Map.of("type", "boolean"));
		assertThat(question.timeoutSeconds()).isEqualTo(90);
		assertThat(this.task.questions().waiting()).containsExactly(question);
		this.task.questions().answered(question.requestId(), StringNode.valueOf("yes"));
		assertThat(answer.get(5, TimeUnit.SECONDS).asString()).isEqualTo("yes");
		assertThat(this.task.questions().waiting()).isEmpty();
	}

	@Test
	void anAnswerBeforeAnyQuestionAnswersTheFirstOneOnly() throws Exception {
		this.task.questions().answered("from-attempt-1", StringNode.valueOf("early"));
		this.task.questions().answered("from-attempt-1", StringNode.valueOf("repeated"));
		assertThat(this.task.askHuman("Proceed?", null).asString()).isEqualTo("early");
		assertThat(this.asked).isEmpty();
		CompletableFuture<JsonNode> second = CompletableFuture.supplyAsync(() -> this.task.askHuman("Again?", null));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.asked.size() == 1);
		this.task.questions().answered(this.asked.get(0).requestId(), StringNode.valueOf("late"));
		assertThat(second.get(5, TimeUnit.SECONDS).asString()).isEqualTo("late");
	}

	@Test
	void aRefusedQuestionThrowsInTheHandler() {
		CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> this.task.askHuman("Pick", "{}"));
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.asked.isEmpty());
		this.task.questions()
			.refused(this.asked.get(0).requestId(), new IllegalArgumentException("Nexus refused the question"));
		assertThat(answer).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(IllegalArgumentException.class);
		assertThatIllegalArgumentException().isThrownBy(() -> this.task.askHuman("Bad", "{not json"));
	}

}
