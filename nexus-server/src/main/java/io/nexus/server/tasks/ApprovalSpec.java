package io.nexus.server.tasks;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import org.jspecify.annotations.Nullable;

/**
 * What a task needs before it may run: the approval of {@code minApprovals} distinct
 * people among its approvers, none of them its creator, within {@code timeoutSeconds} of
 * becoming ready; then it is rejected or escalated to a second group, once.
 *
 * @param approvers who may approve: anyone with one of the roles, or one of the users
 * @param minApprovals how many distinct approvals release the task
 * @param timeoutSeconds how long the first group has, seconds; {@code null} for the
 * configured default
 * @param onTimeout what happens when nobody decided in time
 * @param escalateTo the second group, for {@link OnTimeout#ESCALATE}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalSpec(Approvers approvers, int minApprovals, @Nullable Integer timeoutSeconds, OnTimeout onTimeout,
		@Nullable Escalation escalateTo) {

	/**
	 * Who may approve.
	 *
	 * @param roles roles whose holders may approve ({@code viewer}, {@code operator},
	 * {@code admin})
	 * @param users user names who may approve
	 */
	public record Approvers(List<String> roles, List<String> users) {

		public Approvers {
			roles = List.copyOf(roles);
			users = List.copyOf(users);
		}

		/**
		 * Whether a caller is one of them.
		 * @param user the caller's name
		 * @param role the caller's role
		 * @return whether they may approve
		 */
		public boolean include(String user, String role) {
			return this.users.contains(user) || this.roles.contains(role);
		}

		/**
		 * In words, for reasons and the dashboard.
		 * @return such as {@code roles admin; users alice, bob}
		 */
		public String describe() {
			StringBuilder text = new StringBuilder();
			if (!this.roles.isEmpty()) {
				text.append("roles ").append(String.join(", ", this.roles));
			}
			if (!this.users.isEmpty()) {
				text.append(text.isEmpty() ? "" : "; ").append("users ").append(String.join(", ", this.users));
			}
			return text.toString();
		}

	}

	/**
	 * The second approver group.
	 *
	 * @param approvers who may approve after the escalation
	 * @param timeoutSeconds how long they have, seconds; {@code null} for the configured
	 * default
	 */
	public record Escalation(Approvers approvers, @Nullable Integer timeoutSeconds) {

	}

	/**
	 * What happens when an approval times out.
	 */
	public enum OnTimeout {

		/** The task is cancelled with reason {@code approval_expired}. */
		REJECT,
		/** The second group gets its own time to decide; then it is rejected. */
		ESCALATE;

		@JsonValue
		public String wireName() {
			return name().toLowerCase(Locale.ROOT);
		}

		@JsonCreator
		public static OnTimeout fromWireName(String value) {
			return valueOf(value.toUpperCase(Locale.ROOT));
		}

	}

}
