package io.nexus.server.tasks;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.nexus.server.shared.InvalidRequestException;
import org.jspecify.annotations.Nullable;

/**
 * The {@code approval} object of a task or of a {@code require_approval} placement
 * policy, as clients write it. It is checked by {@link #toSpec} rather than by Bean
 * Validation, so that every fault is a 422 {@code approval_invalid} naming its field.
 *
 * @param required whether approval is needed (default true; false is the same as no
 * {@code approval})
 * @param approvers who may approve: {@code roles} and/or {@code users}
 * @param minApprovals distinct approvals needed, 1 to {@value #MAX_MIN_APPROVALS}
 * (default 1)
 * @param timeoutSeconds how long approvers have once the task is ready,
 * {@value #MIN_TIMEOUT_SECONDS} to {@value #MAX_TIMEOUT_SECONDS} seconds (default
 * {@code nexus.governance.approvals.default-timeout})
 * @param onTimeout {@code reject} (default) or {@code escalate}
 * @param escalateTo for {@code escalate}: the second group and its own timeout
 */
public record ApprovalRequest(@Nullable Boolean required, @Nullable Approvers approvers, @Nullable Integer minApprovals,
		@Nullable Integer timeoutSeconds, @Nullable String onTimeout, @Nullable Escalation escalateTo) {

	/** The most approvals one task may need. */
	public static final int MAX_MIN_APPROVALS = 10;

	/** The most users named in one approver group. */
	public static final int MAX_USERS = 20;

	/** The shortest timeout, seconds. */
	public static final int MIN_TIMEOUT_SECONDS = 60;

	/** The longest timeout (30 days), seconds. */
	public static final int MAX_TIMEOUT_SECONDS = 2_592_000;

	private static final Pattern ROLE = Pattern.compile("viewer|operator|admin");

	private static final Pattern USER = Pattern.compile("^[A-Za-z0-9_.@-]{3,64}$");

	/**
	 * Who may approve.
	 *
	 * @param roles {@code viewer}, {@code operator}, {@code admin}
	 * @param users user names, at most {@value ApprovalRequest#MAX_USERS}
	 */
	public record Approvers(@Nullable List<String> roles, @Nullable List<String> users) {

		ApprovalSpec.Approvers toApprovers(String field) {
			List<String> roles = (this.roles != null) ? this.roles : List.of();
			List<String> users = (this.users != null) ? this.users : List.of();
			if (roles.size() > 3 || roles.stream().anyMatch((role) -> role == null || !ROLE.matcher(role).matches())) {
				throw invalid(field + ".roles", "roles are viewer, operator or admin");
			}
			if (users.size() > MAX_USERS
					|| users.stream().anyMatch((user) -> user == null || !USER.matcher(user).matches())) {
				throw invalid(field + ".users",
						"users are at most " + MAX_USERS + " user names of 3-64 letters, digits, _ . @ -");
			}
			if (roles.isEmpty() && users.isEmpty()) {
				throw invalid(field, "name at least one approver: a role or a user");
			}
			return new ApprovalSpec.Approvers(roles.stream().distinct().toList(), users.stream().distinct().toList());
		}

	}

	/**
	 * The second approver group.
	 *
	 * @param approvers who may approve after the escalation
	 * @param timeoutSeconds how long they have, seconds (default as for the first)
	 */
	public record Escalation(@Nullable Approvers approvers, @Nullable Integer timeoutSeconds) {

	}

	/**
	 * Checks the request and makes the requirement of it.
	 * @param field the name of the object in the request, such as {@code approval}
	 * @return the requirement, or {@code null} when {@code required} is false
	 * @throws InvalidRequestException 422 {@code approval_invalid} naming the field at
	 * fault
	 */
	public @Nullable ApprovalSpec toSpec(String field) {
		if (Boolean.FALSE.equals(this.required)) {
			return null;
		}
		if (this.approvers == null) {
			throw invalid(field + ".approvers", "name at least one approver: a role or a user");
		}
		ApprovalSpec.Approvers first = this.approvers.toApprovers(field + ".approvers");
		int min = (this.minApprovals != null) ? this.minApprovals : 1;
		if (min < 1 || min > MAX_MIN_APPROVALS) {
			throw invalid(field + ".min_approvals", "min_approvals is 1 to " + MAX_MIN_APPROVALS);
		}
		if (first.roles().isEmpty() && min > first.users().size()) {
			throw invalid(field + ".min_approvals",
					"min_approvals is " + min + " but only " + first.users().size() + " users may approve");
		}
		checkTimeout(field + ".timeout_seconds", this.timeoutSeconds);
		ApprovalSpec.OnTimeout onTimeout;
		if (this.onTimeout == null || "reject".equals(this.onTimeout)) {
			onTimeout = ApprovalSpec.OnTimeout.REJECT;
		}
		else if ("escalate".equals(this.onTimeout)) {
			onTimeout = ApprovalSpec.OnTimeout.ESCALATE;
		}
		else {
			throw invalid(field + ".on_timeout", "on_timeout is reject or escalate");
		}
		ApprovalSpec.Escalation escalation = null;
		if (onTimeout == ApprovalSpec.OnTimeout.ESCALATE) {
			if (this.escalateTo == null || this.escalateTo.approvers() == null) {
				throw invalid(field + ".escalate_to.approvers", "on_timeout escalate needs escalate_to.approvers");
			}
			checkTimeout(field + ".escalate_to.timeout_seconds", this.escalateTo.timeoutSeconds());
			escalation = new ApprovalSpec.Escalation(
					this.escalateTo.approvers().toApprovers(field + ".escalate_to.approvers"),
					this.escalateTo.timeoutSeconds());
		}
		else if (this.escalateTo != null) {
			throw invalid(field + ".escalate_to", "escalate_to applies only with on_timeout escalate");
		}
		return new ApprovalSpec(first, min, this.timeoutSeconds, onTimeout, escalation);
	}

	private static void checkTimeout(String field, @Nullable Integer seconds) {
		if (seconds != null && (seconds < MIN_TIMEOUT_SECONDS || seconds > MAX_TIMEOUT_SECONDS)) {
			throw invalid(field, "timeout_seconds is " + MIN_TIMEOUT_SECONDS + " to " + MAX_TIMEOUT_SECONDS);
		}
	}

	private static InvalidRequestException invalid(String field, String message) {
		return InvalidRequestException.unprocessable("approval_invalid", field + ": " + message,
				Map.of("field", field));
	}

}
