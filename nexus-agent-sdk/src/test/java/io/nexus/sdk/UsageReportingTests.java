package io.nexus.sdk;

import java.math.BigDecimal;
import java.util.Map;

import io.nexus.protocol.frames.AgentFrame;
import io.nexus.protocol.frames.TaskComplete;
import io.nexus.protocol.frames.TaskFail;
import io.nexus.protocol.frames.UsageReport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Usage that a handler reports while not connected is summed and goes with the result;
 * usage out of bounds is refused in the handler, before anything is sent.
 */
class UsageReportingTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final FrameSender sender = new FrameSender(new FrameCodec());

	private RunningTask task() {
		return new RunningTask(Tasks.assigned("t1", 5, Map.of("n", 1)), this.mapper, (running, percent, message) -> {
		});
	}

	@Test
	void usageKeptWhileNotConnectedGoesWithTheResultSummed() {
		RunningTask task = task();
		AgentFrame frame = new HandlerInvoker((context) -> {
			context.reportUsage(100, 20, "model-a");
			context.reportUsage(new UsageReport(5L, null, new BigDecimal("0.25"), "EUR", "model-b"));
			context.reportUsage(new UsageReport(null, 1L, new BigDecimal("0.5"), "EUR", null));
			return "done";
		}, this.mapper, this.sender).invoke(task);
		assertThat(frame).isInstanceOfSatisfying(TaskComplete.class, (complete) -> {
			UsageReport usage = complete.usage();
			assertThat(usage).isNotNull();
			assertThat(usage.inputTokens()).isEqualTo(105);
			assertThat(usage.outputTokens()).isEqualTo(21);
			assertThat(usage.cost()).isEqualByComparingTo("0.75");
			assertThat(usage.currency()).isEqualTo("EUR");
			assertThat(usage.model()).isEqualTo("model-b");
		});
		assertThat(task.takeUsage()).isNull();
	}

	@Test
	void aFailureCarriesTheUsageToo() {
		AgentFrame frame = new HandlerInvoker((context) -> {
			context.reportUsage(7, 3, null);
			throw new IllegalStateException("boom");
		}, this.mapper, this.sender).invoke(task());
		assertThat(frame).isInstanceOfSatisfying(TaskFail.class,
				(fail) -> assertThat(fail.usage().totalTokens()).isEqualTo(10));
	}

	@Test
	void refusesUsageOutOfBounds() {
		RunningTask task = task();
		assertThatIllegalArgumentException().isThrownBy(() -> task.reportUsage(-1, 0, null))
			.withMessageContaining("input_tokens");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> task.reportUsage(new UsageReport(null, null, new BigDecimal("-1"), null, null)))
			.withMessageContaining("cost");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> task.reportUsage(new UsageReport(null, null, null, "usd", null)))
			.withMessageContaining("currency");
		assertThat(task.takeUsage()).isNull();
	}

	@Test
	void theFrameCarriesUsageAsSnakeCaseJson() {
		String json = new FrameCodec().encode(new TaskComplete(TaskComplete.TYPE, "f1", "t1", 5, null, null,
				new UsageReport(1L, 2L, new BigDecimal("0.5"), "USD", "m")));
		assertThat(json).contains(
				"\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"cost\":0.5,\"currency\":\"USD\",\"model\":\"m\"}");
	}

}
