package io.nexus.server.tasks;

import java.time.Duration;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Agents asking a person for input mid-task (docs/protocol.md, {@code input_request}):
 * the task waits in {@code input_required} under the same lease with its timeout clock
 * paused; the answer, checked against the question's schema, reaches the agent that holds
 * the lease, or the one that holds it next.
 */
@TestPropertySource(properties = { "nexus.dispatch.reconnect-grace=2s", "nexus.tasks.input-sweep-interval=200ms",
		"nexus.dispatch.reaper-interval=200ms" })
class InputRequestIntegrationTests extends ApiIntegrationTest {

	private static final String SCHEMA = """
			{"type":"object","required":["approved"],"additionalProperties":false,
			 "properties":{"approved":{"type":"boolean"},"note":{"type":"string","maxLength":20}}}""";

	@Test
	void anAgentAsksAPersonAnswersAndTheAgentReceivesTheAnswer() {
		String[] agent = registerAgent("in-ask", "in-ask");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String task = createTask("in-ask", 3600, 3);
			long epoch = accept(socket, task);
			ask(socket, task, epoch, "q1", "Deploy to production?", SCHEMA, null);
			Response read = this.api.get("/api/tasks/" + task);
			assertThat(read.field("status")).isEqualTo("input_required");
			assertThat(read.field("assigned_agent_id")).isEqualTo(agent[0]);
			JsonNode question = this.api.get("/api/tasks/" + task + "/input").json();
			assertThat(question.get("prompt").asString()).isEqualTo("Deploy to production?");
			assertThat(question.get("state").asString()).isEqualTo("open");
			assertThat(question.get("schema").get("required").get(0).asString()).isEqualTo("approved");
			assertThat(this.api.get("/api/input-requests").body()).contains(task);

			Response misfit = this.api.post("/api/tasks/" + task + "/input", "{\"answer\":{\"approved\":\"yes\"}}");
			assertThat(misfit.status()).isEqualTo(422);
			assertThat(misfit.problemType()).isEqualTo("urn:nexus:problem:answer_does_not_fit_schema");
			assertThat(misfit.field("path")).isEqualTo("$.approved");
			Response extra = this.api.post("/api/tasks/" + task + "/input",
					"{\"answer\":{\"approved\":true,\"color\":\"red\"}}");
			assertThat(extra.status()).isEqualTo(422);
			assertThat(extra.field("path")).isEqualTo("$.color");
			Response wrongQuestion = this.api.post("/api/tasks/" + task + "/input",
					"{\"request_id\":\"other\",\"answer\":{\"approved\":true}}");
			assertThat(wrongQuestion.status()).isEqualTo(409);
			assertThat(status(task)).isEqualTo("input_required");

			Response answered = this.api.post("/api/tasks/" + task + "/input",
					"{\"request_id\":\"q1\",\"answer\":{\"approved\":true,\"note\":\"go\"}}");
			assertThat(answered.status()).as(answered.body()).isEqualTo(200);
			assertThat(answered.field("state")).isEqualTo("answered");
			assertThat(answered.field("answered_by")).isEqualTo("admin");
			JsonNode response = socket.next("input_response");
			assertThat(response.get("task_id").asString()).isEqualTo(task);
			assertThat(response.get("request_id").asString()).isEqualTo("q1");
			assertThat(response.get("lease_epoch").asLong()).isEqualTo(epoch);
			assertThat(response.get("answer").get("approved").asBoolean()).isTrue();
			assertThat(status(task)).isEqualTo("in_progress");

			Response again = this.api.post("/api/tasks/" + task + "/input", "{\"answer\":{\"approved\":false}}");
			assertThat(again.status()).isEqualTo(409);
			assertThat(again.field("current_status")).isEqualTo("in_progress");
			complete(socket, task, epoch);
			String audit = this.api.get("/api/audit?action=task.input_requested").json().get("items").toString();
			assertThat(audit).contains(task);
			assertThat(this.api.get("/api/audit?action=task.input_answered").json().get("items").toString())
				.contains(task);
		}
	}

	@Test
	void answersToTasksNotWaitingForInputAreConflictsWithTheCurrentState() {
		String task = createTask("in-nobody", 3600, 3);
		Response queued = this.api.post("/api/tasks/" + task + "/input", "{\"answer\":\"x\"}");
		assertThat(queued.status()).isEqualTo(409);
		assertThat(queued.problemType()).isEqualTo("urn:nexus:problem:task_not_waiting_for_input");
		assertThat(queued.field("current_status")).isEqualTo("queued");
		assertThat(this.api.post("/api/tasks/task_missing/input", "{\"answer\":1}").status()).isEqualTo(404);
		assertThat(this.api.post("/api/tasks/" + task + "/input", "{}").status()).isEqualTo(400);
		assertThat(this.api.get("/api/tasks/" + task + "/input").status()).isEqualTo(404);
	}

	@Test
	void badOrStaleQuestionsAreRefusedAndChangeNothing() {
		String[] agent = registerAgent("in-bad", "in-bad");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String task = createTask("in-bad", 3600, 3);
			long epoch = accept(socket, task);
			String base = "{\"type\":\"input_request\",\"id\":\"f\",\"task_id\":\"" + task + "\",\"lease_epoch\":";
			socket.send(base + epoch + ",\"request_id\":\"q\"}");
			assertThat(socket.next("error").get("code").asString()).isEqualTo("invalid_frame");
			socket.send(base + epoch + ",\"request_id\":\"q\",\"prompt\":\"" + "x".repeat(4001) + "\"}");
			assertThat(socket.next("error").get("code").asString()).isEqualTo("invalid_frame");
			socket.send(base + epoch + ",\"request_id\":\"q\",\"prompt\":\"p\",\"schema\":{\"$ref\":\"#/x\"}}");
			JsonNode unsupported = socket.next("error");
			assertThat(unsupported.get("code").asString()).isEqualTo("invalid_frame");
			assertThat(unsupported.get("message").asString()).contains("$ref");
			socket.send(base + (epoch + 1) + ",\"request_id\":\"q\",\"prompt\":\"p\"}");
			assertThat(socket.next("error").get("code").asString()).isEqualTo("stale_lease");
			assertThat(status(task)).isEqualTo("in_progress");
			assertThat(this.api.get("/api/tasks/" + task + "/input").status()).isEqualTo(404);
		}
	}

	@Test
	void theTimeoutClockPausesWhileWaitingAndResumesWithWhatWasLeft() {
		String[] agent = registerAgent("in-clock", "in-clock");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String task = createTask("in-clock", 2, 1);
			long epoch = accept(socket, task);
			ask(socket, task, epoch, "q", "Still there?", null, null);
			// well past the task's 2 s timeout, it still waits for the person
			await().during(Duration.ofSeconds(3))
				.atMost(Duration.ofSeconds(10))
				.until(() -> "input_required".equals(status(task)));
			assertThat(this.api.post("/api/tasks/" + task + "/input", "{\"answer\":\"yes\"}").status()).isEqualTo(200);
			assertThat(socket.next("input_response").get("answer").asString()).isEqualTo("yes");
			// the clock runs again with what was left: the attempt times out (1 attempt:
			// failed)
			await().atMost(Duration.ofSeconds(15)).until(() -> "failed".equals(status(task)));
			assertThat(this.api.get("/api/tasks/" + task).field("status_reason")).contains("timed out after 2s");
		}
	}

	@Test
	void anUnansweredQuestionEndsByTheFailurePolicy() {
		String[] agent = registerAgent("in-expire", "in-expire");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String retried = createTask("in-expire", 3600, 2);
			long epoch = accept(socket, retried);
			ask(socket, retried, epoch, "q", "Anyone?", null, 1);
			await().atMost(Duration.ofSeconds(10)).until(() -> !"input_required".equals(status(retried)));
			JsonNode cancel = socket.next("task_cancel");
			assertThat(cancel.get("task_id").asString()).isEqualTo(retried);
			Response read = this.api.get("/api/tasks/" + retried);
			assertThat(read.field("status_reason")).startsWith("input_timeout").contains("retry 2/2");
			assertThat(this.api.get("/api/tasks/" + retried + "/input").field("state")).isEqualTo("expired");

			long second = accept(socket, retried);
			ask(socket, retried, second, "q2", "Anyone now?", null, 1);
			await().atMost(Duration.ofSeconds(10)).until(() -> "failed".equals(status(retried)));
			assertThat(this.api.get("/api/tasks/" + retried).field("status_reason"))
				.contains("gave up after 2 attempt(s); last: input_timeout");
			assertThat(this.api.get("/api/audit?action=task.input_expired").json().get("items").toString())
				.contains(retried);
		}
	}

	@Test
	void cancellingATaskThatWaitsForInputStopsItOnTheAgent() {
		String[] agent = registerAgent("in-cancel", "in-cancel");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String task = createTask("in-cancel", 3600, 3);
			long epoch = accept(socket, task);
			ask(socket, task, epoch, "q", "Continue?", null, null);
			assertThat(this.api.post("/api/tasks/" + task + "/cancel", "{\"reason\":\"not needed\"}").field("status"))
				.isEqualTo("cancelled");
			JsonNode cancel = socket.next("task_cancel");
			assertThat(cancel.get("task_id").asString()).isEqualTo(task);
			assertThat(cancel.get("lease_epoch").asLong()).isEqualTo(epoch);
			assertThat(this.api.get("/api/tasks/" + task + "/input").field("state")).isEqualTo("closed");
		}
	}

	@Test
	void theLeaseOutlivesTheReconnectGraceAndTheReconnectedAgentGetsTheAnswer() {
		String[] agent = registerAgent("in-back", "in-back");
		String task = createTask("in-back", 3600, 3);
		long epoch;
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			epoch = accept(socket, task);
			ask(socket, task, epoch, "q", "Which region?", "{\"enum\":[\"eu\",\"us\"]}", null);
		}
		// gone for longer than the reconnect grace: the lease stays with it
		await().during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(10))
			.until(() -> "input_required".equals(status(task)));
		assertThat(this.api.get("/api/tasks/" + task).field("assigned_agent_id")).isEqualTo(agent[0]);
		assertThat(this.api.post("/api/tasks/" + task + "/input", "{\"answer\":\"mars\"}").status()).isEqualTo(422);
		assertThat(this.api.post("/api/tasks/" + task + "/input", "{\"answer\":\"eu\"}").status()).isEqualTo(200);
		assertThat(this.api.get("/api/tasks/" + task + "/input").field("delivered")).isEqualTo("false");

		RawAgent back = RawAgent.connect(this.port);
		try (back) {
			back.send("{\"type\":\"agent_register\",\"agent_id\":\"" + agent[0] + "\",\"token\":\"" + agent[1]
					+ "\",\"running_tasks\":[{\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch + "}]}");
			assertThat(back.next("registered").get("resumed_tasks").toString()).contains(task);
			JsonNode response = back.next("input_response");
			assertThat(response.get("answer").asString()).isEqualTo("eu");
			assertThat(response.get("lease_epoch").asLong()).isEqualTo(epoch);
			complete(back, task, epoch);
		}
	}

	@Test
	void anAnswerForAnAgentGoneForGoodReachesItsReplacementWithTheNewLease() {
		String[] first = registerAgent("in-gone", "in-swap");
		String task = createTask("in-swap", 3600, 3);
		long epoch;
		try (RawAgent socket = RawAgent.register(this.port, first[0], first[1])) {
			epoch = accept(socket, task);
			ask(socket, task, epoch, "q", "Proceed?", "{\"type\":\"boolean\"}", null);
		}
		assertThat(this.api.post("/api/tasks/" + task + "/input", "{\"answer\":true}").status()).isEqualTo(200);
		// running again, its agent gone past the reconnect grace: it returns to the queue
		await().atMost(Duration.ofSeconds(10)).until(() -> "queued".equals(status(task)));
		String[] second = registerAgent("in-new", "in-swap");
		try (RawAgent replacement = RawAgent.register(this.port, second[0], second[1])) {
			JsonNode assigned = replacement.next("task_assigned");
			assertThat(assigned.get("task_id").asString()).isEqualTo(task);
			long newEpoch = assigned.get("lease_epoch").asLong();
			assertThat(newEpoch).isGreaterThan(epoch);
			JsonNode response = replacement.next("input_response");
			assertThat(response.get("task_id").asString()).isEqualTo(task);
			assertThat(response.get("lease_epoch").asLong()).isEqualTo(newEpoch);
			assertThat(response.get("request_id").asString()).isEqualTo("q");
			assertThat(response.get("answer").asBoolean()).isTrue();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "true".equals(this.api.get("/api/tasks/" + task + "/input").field("delivered")));
		}
	}

	@Test
	void anAnswerItsLostAgentReceivedStillReachesTheReplacement() {
		// the first agent gets the answer and dies before finishing: the retry runs from
		// the start, so its agent needs the answer too (and a send to an agent whose
		// connection was closing may have reached nobody)
		String[] first = registerAgent("in-lost", "in-lost");
		String task = createTask("in-lost", 3600, 3);
		long epoch;
		try (RawAgent socket = RawAgent.register(this.port, first[0], first[1])) {
			epoch = accept(socket, task);
			ask(socket, task, epoch, "q", "Region?", null, null);
			assertThat(this.api.post("/api/tasks/" + task + "/input", "{\"answer\":\"eu\"}").status()).isEqualTo(200);
			assertThat(socket.next("input_response").get("answer").asString()).isEqualTo("eu");
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> "queued".equals(status(task)));
		String[] second = registerAgent("in-lost-new", "in-lost");
		try (RawAgent replacement = RawAgent.register(this.port, second[0], second[1])) {
			JsonNode assigned = replacement.next("task_assigned");
			assertThat(assigned.get("task_id").asString()).isEqualTo(task);
			JsonNode response = replacement.next("input_response");
			assertThat(response.get("lease_epoch").asLong()).isEqualTo(assigned.get("lease_epoch").asLong())
				.isGreaterThan(epoch);
			assertThat(response.get("answer").asString()).isEqualTo("eu");
		}
	}

	@Test
	void askingAgainUnderTheSameLeaseReturnsTheAnswerItMissed() {
		String[] agent = registerAgent("in-again", "in-again");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String task = createTask("in-again", 3600, 3);
			long epoch = accept(socket, task);
			ask(socket, task, epoch, "q", "Name?", null, null);
			// the same question again while open changes nothing
			ask(socket, task, epoch, "q", "Name?", null, null);
			assertThat(this.api.post("/api/tasks/" + task + "/input", "{\"answer\":\"Ada\"}").status()).isEqualTo(200);
			assertThat(socket.next("input_response").get("answer").asString()).isEqualTo("Ada");
			ask(socket, task, epoch, "q", "Name?", null, null);
			assertThat(socket.next("input_response").get("answer").asString()).isEqualTo("Ada");
			assertThat(status(task)).isEqualTo("in_progress");
		}
	}

	private void ask(RawAgent socket, String task, long epoch, String requestId, String prompt, String schema,
			Integer timeoutSeconds) {
		String frameId = "ask-" + System.nanoTime();
		socket.send("{\"type\":\"input_request\",\"id\":\"" + frameId + "\",\"task_id\":\"" + task
				+ "\",\"lease_epoch\":" + epoch + ",\"request_id\":\"" + requestId + "\",\"prompt\":\"" + prompt + "\""
				+ ((schema != null) ? ",\"schema\":" + schema : "")
				+ ((timeoutSeconds != null) ? ",\"timeout_seconds\":" + timeoutSeconds : "") + "}");
		JsonNode answer = socket.next((frame) -> frameId.equals(frame.path("id").asString()), "answer to " + frameId);
		assertThat(answer.get("type").asString()).as(answer.toString()).isEqualTo("ack");
	}

	private String status(String task) {
		return this.api.get("/api/tasks/" + task).field("status");
	}

	private static long accept(RawAgent socket, String task) {
		JsonNode assigned = socket.next((frame) -> "task_assigned".equals(frame.path("type").asString())
				&& task.equals(frame.path("task_id").asString()), "task_assigned for " + task);
		long epoch = assigned.get("lease_epoch").asLong();
		socket.send("{\"type\":\"task_accept\",\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch + "}");
		return epoch;
	}

	private void complete(RawAgent socket, String task, long epoch) {
		socket.send("{\"type\":\"task_complete\",\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch
				+ ",\"result\":{\"ok\":true}}");
		await().atMost(Duration.ofSeconds(10)).until(() -> "completed".equals(status(task)));
	}

	private String[] registerAgent(String name, String capability) {
		Response response = this.api.post("/api/agents",
				"{\"name\":\"" + name + "\",\"capabilities\":[\"" + capability + "\"],\"max_concurrency\":1}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

	private String createTask(String category, int timeoutSeconds, int maxAttempts) {
		Response response = this.api.post("/api/tasks", "{\"title\":\"ask\",\"category\":\"" + category
				+ "\",\"timeout_seconds\":" + timeoutSeconds + ",\"max_attempts\":" + maxAttempts + "}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

}
