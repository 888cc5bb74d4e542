package io.nexus.sdk;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.nexus.protocol.frames.Ack;
import io.nexus.protocol.frames.AgentMessage;
import io.nexus.protocol.frames.AgentRegister;
import io.nexus.protocol.frames.ErrorFrame;
import io.nexus.protocol.frames.Frame;
import io.nexus.protocol.frames.Heartbeat;
import io.nexus.protocol.frames.Ping;
import io.nexus.protocol.frames.Registered;
import io.nexus.protocol.frames.StatusUpdate;
import io.nexus.protocol.frames.TaskAccept;
import io.nexus.protocol.frames.TaskAssigned;
import io.nexus.protocol.frames.TaskCancel;
import io.nexus.protocol.frames.TaskComplete;
import io.nexus.protocol.frames.TaskFail;
import io.nexus.protocol.frames.TaskLease;
import io.nexus.protocol.frames.TaskProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class FrameCodecTests {

	private final FrameCodec codec = new FrameCodec();

	private final JsonMapper plain = JsonMapper.builder().build();

	static Stream<Arguments> frames() {
		return Stream.of(
				Arguments.of(
						new AgentRegister(AgentRegister.TYPE, "f1", "agent-1", "Agent One", "nxa_secret",
								List.of("frontend"), 4, 1, List.of(new TaskLease("t1", 3))),
						List.of("agent_id", "agent_name", "token", "capabilities", "max_concurrency",
								"protocol_version", "running_tasks")),
				Arguments.of(new Heartbeat(Heartbeat.TYPE, null, 12.5, 40.0, List.of("t1"), 1700000000000L),
						List.of("cpu_usage", "memory_usage", "running_tasks", "sent_at")),
				Arguments.of(new TaskAccept(TaskAccept.TYPE, "f2", "t1", 3), List.of("id", "task_id", "lease_epoch")),
				Arguments.of(new TaskProgress(TaskProgress.TYPE, null, "t1", 3, 50.0, "half"),
						List.of("task_id", "lease_epoch", "progress", "message")),
				Arguments.of(new TaskComplete(TaskComplete.TYPE, "f3", "t1", 3, Map.of("answer", 42), null),
						List.of("id", "task_id", "lease_epoch", "result")),
				Arguments.of(new TaskFail(TaskFail.TYPE, "f4", "t1", 3, "boom", false),
						List.of("task_id", "lease_epoch", "error", "retryable")),
				Arguments.of(new StatusUpdate(StatusUpdate.TYPE, null, "busy"), List.of("status")),
				Arguments.of(new AgentMessage(AgentMessage.TYPE, "f5", null, "frontend", "agent-2", Map.of("hi", true)),
						List.of("to_capability", "from_agent", "body")),
				Arguments.of(new Registered("agent-1", 15, "nxa_new", List.of(new TaskLease("t1", 3))),
						List.of("agent_id", "protocol_version", "heartbeat_interval_seconds", "token",
								"resumed_tasks")),
				Arguments.of(
						new TaskAssigned(TaskAssigned.TYPE, "t1", 3, 2, "Echo", "say it back", "high", "frontend",
								List.of("frontend"), Map.of("text", "hello"), 60, "00-abc-def-01"),
						List.of("task_id", "lease_epoch", "attempt", "title", "description", "priority", "category",
								"required_capabilities", "payload", "timeout_seconds", "traceparent")),
				Arguments.of(new TaskCancel("t1", 3, "timed out"), List.of("task_id", "lease_epoch", "reason")),
				Arguments.of(new Ack("f3", "t1"), List.of("id", "task_id")),
				Arguments.of(new ErrorFrame("f3", "stale_lease", "lease 3 is stale"), List.of("id", "code", "message")),
				Arguments.of(new Ping(1700000000000L), List.of("sent_at")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("frames")
	void encodesWithTypeAndSnakeCaseNamesAndDecodesToTheSameFrame(Frame frame, List<String> fields) {
		String json = this.codec.encode(frame);
		JsonNode tree = this.plain.readTree(json);
		assertThat(tree.path("type").asString()).isEqualTo(frame.type());
		assertThat(tree.propertyNames()).containsAll(fields);
		assertThat(tree.propertyNames()).allSatisfy((name) -> assertThat(name).matches("[a-z_]+"));
		assertThat(this.codec.decode(json)).contains(frame);
	}

	@Test
	void leavesNullFieldsOut() {
		String json = this.codec.encode(new TaskProgress(TaskProgress.TYPE, null, "t1", 1, null, null));
		assertThat(this.plain.readTree(json).propertyNames()).containsExactlyInAnyOrder("type", "task_id",
				"lease_epoch");
	}

	@Test
	void ignoresUnknownFields() {
		String json = "{\"type\":\"ack\",\"id\":\"f1\",\"task_id\":\"t1\",\"added_in_v2\":{\"x\":1}}";
		assertThat(this.codec.decode(json)).contains(new Ack("f1", "t1"));
	}

	@Test
	void skipsUnknownTypes() {
		assertThat(this.codec.decode("{\"type\":\"server_hint\",\"id\":\"x\"}")).isEmpty();
	}

	@Test
	void skipsTextThatIsNotAFrame() {
		assertThat(this.codec.decode("not json")).isEmpty();
		assertThat(this.codec.decode("[1,2]")).isEmpty();
		assertThat(this.codec.decode("{\"id\":\"no type\"}")).isEmpty();
		assertThat(this.codec.decode("{\"type\":\"task_cancel\",\"lease_epoch\":\"many\"}")).isEmpty();
	}

	@Test
	void readsARegisteredFrameWithoutOptionalFields() {
		String json = "{\"type\":\"registered\",\"agent_id\":\"a1\",\"heartbeat_interval_seconds\":10}";
		assertThat(this.codec.decode(json)).get().isInstanceOfSatisfying(Registered.class, (registered) -> {
			assertThat(registered.agentId()).isEqualTo("a1");
			assertThat(registered.heartbeatIntervalSeconds()).isEqualTo(10);
			assertThat(registered.token()).isNull();
		});
	}

	@Test
	void redactsTheTokenOfARegistrationInItsDescription() {
		AgentRegister register = new AgentRegister(AgentRegister.TYPE, null, "a1", null, "nxa_secret", null, null, null,
				null);
		assertThat(register.toString()).doesNotContain("nxa_secret");
	}

}
