package io.nexus.sdk;

import java.util.List;
import java.util.Map;

import io.nexus.protocol.Traceparent;
import io.nexus.protocol.frames.AgentFrame;
import io.nexus.protocol.frames.TaskAssigned;
import io.nexus.protocol.frames.TaskComplete;
import io.nexus.protocol.frames.TaskFail;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class HandlerInvokerTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final FrameSender sender = new FrameSender(new FrameCodec());

	private AgentFrame invoke(TaskHandler handler) {
		RunningTask task = new RunningTask(Tasks.assigned("t1", 5, Map.of("n", 1)), this.mapper,
				(running, percent, message) -> {
				});
		return new HandlerInvoker(handler, this.mapper, this.sender).invoke(task);
	}

	@Test
	void reportsTheReturnedValueAsTheResult() {
		AgentFrame frame = invoke((task) -> new Answer(task.payload().path("n").asInt() + 1));
		assertThat(frame).isInstanceOfSatisfying(TaskComplete.class, (complete) -> {
			assertThat(complete.id()).isNotBlank();
			assertThat(complete.leaseEpoch()).isEqualTo(5);
			assertThat(complete.result()).hasToString("{\"nextValue\":2}");
		});
	}

	@Test
	void continuesTheTraceOfTheAssignmentAndSendsTheChildContextBack() {
		String incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
		TaskAssigned assignment = new TaskAssigned(TaskAssigned.TYPE, "t1", 5, 1, "Traced", null, "medium", null,
				List.of(), null, 60, incoming);
		RunningTask task = new RunningTask(assignment, this.mapper, (running, percent, message) -> {
		});
		AgentFrame frame = new HandlerInvoker((context) -> context.childTraceparent(), this.mapper, this.sender)
			.invoke(task);
		assertThat(task.traceparent()).isEqualTo(incoming);
		Traceparent child = Traceparent.parse(task.childTraceparent());
		assertThat(child).isNotNull();
		assertThat(child.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
		assertThat(child.spanId()).isNotEqualTo("00f067aa0ba902b7");
		assertThat(child.flags()).isEqualTo("01");
		assertThat(frame).isInstanceOfSatisfying(TaskComplete.class, (complete) -> {
			assertThat(complete.traceparent()).isEqualTo(task.childTraceparent());
			assertThat(complete.result()).hasToString("\"" + task.childTraceparent() + "\"");
		});
	}

	@Test
	void hasNoTraceContextWhenNexusSentNone() {
		RunningTask task = new RunningTask(Tasks.assigned("t1", 5, null), this.mapper, (running, percent, message) -> {
		});
		assertThat(task.traceparent()).isNull();
		assertThat(task.childTraceparent()).isNull();
		assertThat(((TaskComplete) new HandlerInvoker((context) -> "ok", this.mapper, this.sender).invoke(task))
			.traceparent()).isNull();
	}

	@Test
	void reportsAResultThatCannotBeWrittenAsAFinalFailure() {
		AgentFrame frame = invoke((task) -> new Unwritable());
		assertThat(frame).isInstanceOfSatisfying(TaskFail.class, (fail) -> {
			assertThat(fail.retryable()).isFalse();
			assertThat(fail.error()).startsWith("Result cannot be written as JSON");
		});
	}

	@Test
	void keepsErrorTextsShort() {
		AgentFrame frame = invoke((task) -> {
			throw new IllegalStateException("x".repeat(10_000));
		});
		assertThat(((TaskFail) frame).error()).hasSize(HandlerInvoker.MAX_ERROR_LENGTH);
		assertThat(((TaskFail) frame).retryable()).isTrue();
	}

	@Test
	void describesAnExceptionWithoutMessageByItsClass() {
		assertThat(HandlerInvoker.describe(new UnsupportedOperationException()))
			.isEqualTo("java.lang.UnsupportedOperationException");
	}

	record Answer(int nextValue) {
	}

	static class Unwritable {

		public String getValue() {
			throw new IllegalStateException("not today");
		}

	}

}
