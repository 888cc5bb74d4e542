package io.nexus.server.governance;

import java.time.Instant;

import io.nexus.server.security.TotpCodes;
import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Approval gates over HTTP: four eyes, approvers by role and name, distinct approvers,
 * MFA, rejection with its dependants, expiry and escalation by the sweep at chosen times,
 * approvals required by a placement policy, and the inbox.
 */
class ApprovalIntegrationTests extends ApiIntegrationTest {

	private static final String PASSWORD = "approver-pass-1";

	@Autowired
	private ApprovalSweeper sweeper;

	private ApiClient alice;

	private ApiClient bob;

	private ApiClient carol;

	@BeforeEach
	void people() {
		this.alice = user("alice", "operator");
		this.bob = user("bob", "operator");
		this.carol = user("carol", "viewer");
	}

	@Test
	void aTaskNeedingTwoApprovalsRunsOnlyAfterTwoPeopleOtherThanItsCreatorApprove() {
		String task = create(this.alice, "{\"title\":\"deploy\",\"category\":\"deploy-2\",\"approval\":"
				+ "{\"approvers\":{\"roles\":[\"operator\",\"admin\"]},\"min_approvals\":2}}");
		Response read = this.api.get("/api/tasks/" + task);
		assertThat(read.field("status")).isEqualTo("awaiting_approval");
		assertThat(read.field("waiting_reason")).startsWith("awaiting approval");
		assertThat(inbox(this.bob)).contains(task);
		assertThat(inbox(this.alice)).as("the creator's inbox").doesNotContain(task);
		assertThat(inbox(this.carol)).as("not an approver").doesNotContain(task);

		Response own = this.alice.post("/api/tasks/" + task + "/approve", "{\"comment\":\"mine\"}");
		assertThat(own.status()).as(own.body()).isEqualTo(403);
		assertThat(own.problemType()).isEqualTo("urn:nexus:problem:four_eyes");
		Response viewer = this.carol.post("/api/tasks/" + task + "/approve", "{}");
		assertThat(viewer.status()).isEqualTo(403);
		assertThat(viewer.problemType()).isEqualTo("urn:nexus:problem:not_an_approver");

		Response first = this.bob.post("/api/tasks/" + task + "/approve", "{\"comment\":\"looks fine\"}");
		assertThat(first.status()).as(first.body()).isEqualTo(200);
		assertThat(first.json().get("approvals").asInt()).isEqualTo(1);
		assertThat(this.api.get("/api/tasks/" + task).field("status")).isEqualTo("awaiting_approval");
		Response twice = this.bob.post("/api/tasks/" + task + "/approve", "{}");
		assertThat(twice.status()).isEqualTo(409);
		assertThat(twice.problemType()).isEqualTo("urn:nexus:problem:already_decided");
		assertThat(inbox(this.bob)).doesNotContain(task);

		Response second = this.api.post("/api/tasks/" + task + "/approve", "{\"comment\":\"go\"}");
		assertThat(second.status()).as(second.body()).isEqualTo(200);
		assertThat(second.field("state")).isEqualTo("approved");
		assertThat(this.api.get("/api/tasks/" + task).field("status")).isEqualTo("queued");
		Response late = this.carol.post("/api/tasks/" + task + "/reject", "{}");
		assertThat(late.status()).isEqualTo(409);
		assertThat(late.problemType()).isEqualTo("urn:nexus:problem:task_not_awaiting_approval");
		assertThat(late.json().get("status").asString()).isEqualTo("queued");

		String history = this.api.get("/api/tasks/" + task + "/events").body();
		assertThat(history).contains("approval_requested").contains("approved by bob, admin");
		JsonNode decisions = this.api.get("/api/tasks/" + task + "/approval").json().get("decisions");
		assertThat(decisions).hasSize(2);
		assertThat(decisions.get(0).get("comment").asString()).isEqualTo("looks fine");
		assertThat(audit("approval.requested", task)).contains(task);
		assertThat(audit("approval.approved", "2 of 2 approvals; task queued")).contains(task);
	}

	@Test
	void theOwnerOfAnApiKeyIsTheCreatorAndCannotApprove() {
		String key = this.bob.post("/api/api-keys", "{\"name\":\"ci\",\"role\":\"operator\"}").field("key");
		ApiClient ci = new ApiClient(this.port).withToken(key);
		String task = create(ci,
				"{\"title\":\"from ci\",\"approval\":{\"approvers\":{\"users\":[\"bob\",\"alice\"]}}}");
		assertThat(this.bob.post("/api/tasks/" + task + "/approve", "{}").problemType())
			.isEqualTo("urn:nexus:problem:four_eyes");
		assertThat(this.alice.post("/api/tasks/" + task + "/approve", "{}").status()).isEqualTo(200);
		assertThat(this.api.get("/api/tasks/" + task).field("status")).isEqualTo("queued");
	}

	@Test
	void aRejectionCancelsTheTaskAndItsDependantsAsForAFailedDependency() {
		String parent = create(this.api,
				"{\"title\":\"drop table\",\"approval\":{\"approvers\":{\"users\":[\"bob\"]}}}");
		String child = create(this.api, "{\"title\":\"after the drop\",\"dependencies\":[\"" + parent + "\"]}");
		Response rejected = this.bob.post("/api/tasks/" + parent + "/reject", "{\"comment\":\"not on a Friday\"}");
		assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
		assertThat(rejected.field("state")).isEqualTo("rejected");
		Response task = this.api.get("/api/tasks/" + parent);
		assertThat(task.field("status")).isEqualTo("cancelled");
		assertThat(task.field("status_reason")).isEqualTo("approval_rejected");
		assertThat(this.api.get("/api/tasks/" + child).field("status")).isEqualTo("cancelled");
		assertThat(this.api.get("/api/tasks/" + child).field("status_reason")).isEqualTo("dependency_failed");
		assertThat(audit("approval.rejected", parent)).contains(parent).contains("not on a Friday");
		assertThat(this.bob.post("/api/tasks/" + parent + "/approve", "{}").json().get("status").asString())
			.isEqualTo("cancelled");
	}

	@Test
	void aTaskAwaitsApprovalOnlyOnceItsDependenciesCompleteAndCanBeCancelledThere() {
		String first = create(this.api, "{\"title\":\"build\",\"category\":\"nobody-runs-this\"}");
		String gated = create(this.api, "{\"title\":\"release\",\"dependencies\":[\"" + first
				+ "\"],\"approval\":{\"approvers\":{\"users\":[\"bob\"]},\"timeout_seconds\":600}}");
		assertThat(this.api.get("/api/tasks/" + gated).field("status")).isEqualTo("pending");
		assertThat(this.api.get("/api/tasks/" + gated + "/approval").field("state")).isEqualTo("waiting");
		assertThat(this.bob.post("/api/tasks/" + gated + "/approve", "{}").json().get("status").asString())
			.isEqualTo("pending");

		this.api.put("/api/tasks/" + first, "{\"status\":\"completed\"}");
		assertThat(this.api.get("/api/tasks/" + gated).field("status")).isEqualTo("awaiting_approval");
		Response approval = this.api.get("/api/tasks/" + gated + "/approval");
		assertThat(approval.field("state")).isEqualTo("open");
		assertThat(Instant.parse(approval.field("deadline_at")))
			.isEqualTo(Instant.parse(approval.field("requested_at")).plusSeconds(600));

		Response cancelled = this.api.post("/api/tasks/" + gated + "/cancel", "{\"reason\":\"changed my mind\"}");
		assertThat(cancelled.field("status")).isEqualTo("cancelled");
		assertThat(this.api.get("/api/tasks/" + gated + "/approval").field("state")).isEqualTo("closed");
		assertThat(inbox(this.bob)).doesNotContain(gated);
	}

	@Test
	void anUnansweredApprovalExpiresAtItsDeadline() {
		String task = create(this.api, "{\"title\":\"expiring\",\"approval\":{\"approvers\":{\"users\":[\"bob\"]},"
				+ "\"timeout_seconds\":60,\"on_timeout\":\"reject\"}}");
		Instant deadline = Instant.parse(this.api.get("/api/tasks/" + task + "/approval").field("deadline_at"));
		this.sweeper.sweep(deadline.minusSeconds(1));
		assertThat(this.api.get("/api/tasks/" + task).field("status")).isEqualTo("awaiting_approval");

		this.sweeper.sweep(deadline);
		Response expired = this.api.get("/api/tasks/" + task);
		assertThat(expired.field("status")).isEqualTo("cancelled");
		assertThat(expired.field("status_reason")).isEqualTo("approval_expired");
		assertThat(this.api.get("/api/tasks/" + task + "/approval").field("state")).isEqualTo("expired");
		assertThat(audit("approval.expired", task)).contains(task);
		assertThat(this.bob.post("/api/tasks/" + task + "/approve", "{}").status()).isEqualTo(409);
	}

	@Test
	void anUnansweredApprovalEscalatesOnceToTheSecondGroupWithItsOwnTimeout() {
		String task = create(this.api,
				"{\"title\":\"escalating\",\"approval\":{\"approvers\":{\"users\":[\"bob\"]},\"timeout_seconds\":60,"
						+ "\"on_timeout\":\"escalate\",\"escalate_to\":{\"approvers\":{\"users\":[\"carol\"]},"
						+ "\"timeout_seconds\":120}}}");
		Instant deadline = Instant.parse(this.api.get("/api/tasks/" + task + "/approval").field("deadline_at"));
		this.sweeper.sweep(deadline);
		Response escalated = this.api.get("/api/tasks/" + task + "/approval");
		assertThat(escalated.field("stage")).isEqualTo("2");
		assertThat(Instant.parse(escalated.field("deadline_at"))).isEqualTo(deadline.plusSeconds(120));
		assertThat(this.api.get("/api/tasks/" + task).field("status")).isEqualTo("awaiting_approval");
		assertThat(inbox(this.carol)).contains(task);
		assertThat(inbox(this.bob)).doesNotContain(task);
		assertThat(this.bob.post("/api/tasks/" + task + "/approve", "{}").problemType())
			.isEqualTo("urn:nexus:problem:not_an_approver");
		assertThat(audit("approval.escalated", task)).contains(task).contains("carol");
		JsonNode history = this.api.get("/api/tasks/" + task + "/events").json();
		JsonNode escalation = history.get(history.size() - 1);
		assertThat(escalation.get("from").asString()).isEqualTo("awaiting_approval");
		assertThat(escalation.get("to").asString()).isEqualTo("awaiting_approval");
		assertThat(escalation.get("reason").asString())
			.isEqualTo("approval_escalated to users carol until " + deadline.plusSeconds(120));
		assertThat(this.carol.get("/api/notifications").body()).as("the second group is notified")
			.contains("Approval escalated: escalating");

		this.sweeper.sweep(deadline.plusSeconds(119));
		assertThat(this.api.get("/api/tasks/" + task).field("status")).isEqualTo("awaiting_approval");
		this.sweeper.sweep(deadline.plusSeconds(120));
		assertThat(this.api.get("/api/tasks/" + task).field("status_reason")).isEqualTo("approval_expired");
	}

	@Test
	void theSecondGroupCanApproveAfterTheEscalation() {
		String task = create(this.api,
				"{\"title\":\"escalated then approved\",\"approval\":{\"approvers\":{\"users\":[\"bob\"]},"
						+ "\"timeout_seconds\":60,\"on_timeout\":\"escalate\",\"escalate_to\":{\"approvers\":"
						+ "{\"roles\":[\"viewer\"]}}}}");
		Instant deadline = Instant.parse(this.api.get("/api/tasks/" + task + "/approval").field("deadline_at"));
		this.sweeper.sweep(deadline);
		assertThat(this.carol.post("/api/tasks/" + task + "/approve", "{}").status()).isEqualTo(200);
		assertThat(this.api.get("/api/tasks/" + task).field("status")).isEqualTo("queued");
	}

	@Test
	void anApproverWithMfaConfirmsWithACurrentCode() {
		ApiClient dave = user("dave", "operator");
		String secret = dave.post("/api/auth/mfa/setup", "").field("secret");
		long step = TotpCodes.currentStep();
		assertThat(dave.post("/api/auth/mfa/confirm", "{\"code\":\"" + TotpCodes.at(secret, step) + "\"}").status())
			.isEqualTo(200);
		String task = create(this.api, "{\"title\":\"mfa\",\"approval\":{\"approvers\":{\"users\":[\"dave\"]}}}");

		Response without = dave.post("/api/tasks/" + task + "/approve", "{}");
		assertThat(without.status()).isEqualTo(422);
		assertThat(without.problemType()).isEqualTo("urn:nexus:problem:mfa_code_invalid");
		Response wrong = dave.post("/api/tasks/" + task + "/approve",
				"{\"mfa_code\":\"" + TotpCodes.wrong(secret) + "\"}");
		assertThat(wrong.status()).isEqualTo(422);
		assertThat(this.api.get("/api/tasks/" + task).field("status")).isEqualTo("awaiting_approval");

		Response right = dave.post("/api/tasks/" + task + "/approve",
				"{\"mfa_code\":\"" + TotpCodes.at(secret, step + 1) + "\"}");
		assertThat(right.status()).as(right.body()).isEqualTo(200);
		assertThat(this.api.get("/api/tasks/" + task).field("status")).isEqualTo("queued");
	}

	@Test
	void aRequireApprovalPolicyGatesTheTasksItMatchesAndTheTaskNamesIt() {
		Response policy = this.api.post("/api/policies",
				"{\"name\":\"payments-need-admin\",\"match\":\"task.category == 'payments'\","
						+ "\"effect\":\"require_approval\",\"approval\":{\"approvers\":{\"roles\":[\"admin\"]}}}");
		assertThat(policy.status()).as(policy.body()).isEqualTo(201);
		String policyId = policy.field("id");
		try {
			await(() -> {
				String gated = create(this.alice, "{\"title\":\"pay\",\"category\":\"payments\"}");
				return "awaiting_approval".equals(this.api.get("/api/tasks/" + gated).field("status")) ? gated : null;
			}, (gated) -> {
				assertThat(this.api.get("/api/tasks/" + gated + "/approval").field("required_by_policy"))
					.isEqualTo(policyId + "@1");
				assertThat(this.bob.post("/api/tasks/" + gated + "/approve", "{}").problemType())
					.isEqualTo("urn:nexus:problem:not_an_approver");
				assertThat(this.api.post("/api/tasks/" + gated + "/approve", "{}").status()).isEqualTo(200);
				assertThat(this.api.get("/api/tasks/" + gated).field("status")).isEqualTo("queued");
			});
			String other = create(this.alice, "{\"title\":\"not payments\",\"category\":\"reports\"}");
			assertThat(this.api.get("/api/tasks/" + other).field("status")).isEqualTo("queued");
		}
		finally {
			this.api.delete("/api/policies/" + policyId);
		}
	}

	@Test
	void aRequireApprovalPolicyWithoutApproversIsRefused() {
		Response missing = this.api.post("/api/policies",
				"{\"name\":\"no-approvers\",\"match\":\"true\",\"effect\":\"require_approval\"}");
		assertThat(missing.status()).isEqualTo(422);
		assertThat(missing.body()).contains("approval");
		Response stray = this.api.post("/api/policies", "{\"name\":\"stray\",\"match\":\"true\",\"effect\":\"deny\","
				+ "\"approval\":{\"approvers\":{\"roles\":[\"admin\"]}}}");
		assertThat(stray.status()).isEqualTo(422);
	}

	@Test
	void badApprovalsAreRefusedNamingTheFieldAndStoreNothing() {
		long before = rows("tasks");
		assertRefused("{\"approvers\":{\"roles\":[\"admin\"]},\"min_approvals\":0}", "approval.min_approvals");
		assertRefused("{\"approvers\":{\"roles\":[\"admin\"]},\"min_approvals\":11}", "approval.min_approvals");
		assertRefused("{\"approvers\":{\"users\":[\"bob\"]},\"min_approvals\":2}", "approval.min_approvals");
		assertRefused("{\"approvers\":{}}", "approval.approvers");
		assertRefused("{\"min_approvals\":1}", "approval.approvers");
		assertRefused("{\"approvers\":{\"roles\":[\"boss\"]}}", "approval.approvers.roles");
		assertRefused("{\"approvers\":{\"users\":[\"x\"]}}", "approval.approvers.users");
		assertRefused("{\"approvers\":{\"roles\":[\"admin\"]},\"timeout_seconds\":5}", "approval.timeout_seconds");
		assertRefused("{\"approvers\":{\"roles\":[\"admin\"]},\"timeout_seconds\":2592001}",
				"approval.timeout_seconds");
		assertRefused("{\"approvers\":{\"roles\":[\"admin\"]},\"on_timeout\":\"ignore\"}", "approval.on_timeout");
		assertRefused("{\"approvers\":{\"roles\":[\"admin\"]},\"on_timeout\":\"escalate\"}",
				"approval.escalate_to.approvers");
		assertRefused("{\"approvers\":{\"roles\":[\"admin\"]},\"escalate_to\":{\"approvers\":{\"roles\":[\"admin\"]}}}",
				"approval.escalate_to");
		assertThat(rows("tasks")).isEqualTo(before);
		Response notRequired = this.api.post("/api/tasks", "{\"title\":\"free\",\"approval\":{\"required\":false}}");
		assertThat(notRequired.field("status")).isEqualTo("queued");
	}

	@Test
	void decisionsOnUnknownTasksAndTasksWithoutApprovalAreRefused() {
		assertThat(this.bob.post("/api/tasks/task_nope/approve", "{}").status()).isEqualTo(404);
		String plain = create(this.api, "{\"title\":\"plain\"}");
		Response conflict = this.bob.post("/api/tasks/" + plain + "/approve", "{}");
		assertThat(conflict.status()).isEqualTo(409);
		assertThat(conflict.json().get("status").asString()).isEqualTo("queued");
		assertThat(this.api.get("/api/tasks/" + plain + "/approval").status()).isEqualTo(404);
	}

	private void assertRefused(String approval, String field) {
		Response response = this.api.post("/api/tasks", "{\"title\":\"bad\",\"approval\":" + approval + "}");
		assertThat(response.status()).as(approval + " -> " + response.body()).isEqualTo(422);
		assertThat(response.problemType()).isEqualTo("urn:nexus:problem:approval_invalid");
		assertThat(response.json().get("field").asString()).as(approval).isEqualTo(field);
	}

	private ApiClient user(String name, String role) {
		this.api.post("/api/users",
				"{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"" + role + "\"}");
		return new ApiClient(this.port).login(name, PASSWORD);
	}

	private String create(ApiClient client, String json) {
		Response response = client.post("/api/tasks", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

	private String inbox(ApiClient client) {
		Response response = client.get("/api/approvals");
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return response.json().get("items").toString();
	}

	/**
	 * The audit entries of an action once one names the task (they are written after the
	 * commit).
	 */
	private String audit(String action, String task) {
		return org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(10))
			.until(() -> this.api.get("/api/audit?action=" + action).json().get("items").toString(),
					(items) -> items.contains(task));
	}

	private static <T> void await(java.util.function.Supplier<T> attempt, java.util.function.Consumer<T> then) {
		T value = org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(10))
			.until(attempt::get, java.util.Objects::nonNull);
		then.accept(value);
	}

}
