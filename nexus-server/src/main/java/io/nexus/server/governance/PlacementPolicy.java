package io.nexus.server.governance;

import java.time.Instant;
import java.util.Locale;

import io.nexus.server.tasks.ApprovalSpec;
import io.nexus.server.tasks.TaskBudget;
import org.jspecify.annotations.Nullable;

/**
 * A placement policy as stored, in one of its versions: when its {@code match} condition
 * holds for a task, it either denies the task everywhere or requires of the agent that
 * its {@code require} condition holds. Conditions are CEL ({@link PolicyCompiler}).
 *
 * @param id its id, the same across versions
 * @param version its version, 1 when created, one more at every change
 * @param definition what it says
 * @param createdBy who created it
 * @param createdAt when
 * @param updatedBy who made this version
 * @param updatedAt when
 */
public record PlacementPolicy(String id, long version, Definition definition, String createdBy, Instant createdAt,
		String updatedBy, Instant updatedAt) {

	/**
	 * The policy and version as task reasons name them.
	 * @return such as {@code pol_1a2b@3}
	 */
	public String ref() {
		return this.id + "@" + this.version;
	}

	/**
	 * What a policy does to the tasks it matches.
	 */
	public enum Effect {

		/** The task may not run on any agent. */
		DENY,
		/** The task may run only on agents for which {@code require} holds. */
		REQUIRE,
		/**
		 * The task must be approved by a person before it is queued ({@code approval}
		 * says by whom); it does not constrain agents.
		 */
		REQUIRE_APPROVAL,
		/**
		 * The task gets a budget ({@code budget} says which), or its own is cut to it; it
		 * does not constrain agents.
		 */
		BUDGET;

		public String wireName() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/**
	 * What a policy says, as an admin writes it.
	 *
	 * @param name a unique name
	 * @param description what it is for
	 * @param enabled whether dispatch applies it
	 * @param priority the order in which policies are applied and named (smaller first)
	 * @param match the CEL condition over {@code task.*} that selects the tasks
	 * @param effect deny or require
	 * @param require for {@link Effect#REQUIRE}, the CEL condition over {@code task.*}
	 * and {@code agent.*} that an agent must satisfy; {@code null} for deny
	 * @param approval for {@link Effect#REQUIRE_APPROVAL}, who must approve the matching
	 * tasks; {@code null} otherwise
	 * @param budget for {@link Effect#BUDGET}, the budget of the matching tasks;
	 * {@code null} otherwise
	 */
	public record Definition(String name, String description, boolean enabled, int priority, String match,
			Effect effect, @Nullable String require, @Nullable ApprovalSpec approval, @Nullable TaskBudget budget) {

		/**
		 * A policy without a budget.
		 * @param name a unique name
		 * @param description what it is for
		 * @param enabled whether dispatch applies it
		 * @param priority the order of application
		 * @param match the CEL condition that selects the tasks
		 * @param effect deny, require or require_approval
		 * @param require the condition an agent must satisfy, for require
		 * @param approval who must approve, for require_approval
		 */
		public Definition(String name, String description, boolean enabled, int priority, String match, Effect effect,
				@Nullable String require, @Nullable ApprovalSpec approval) {
			this(name, description, enabled, priority, match, effect, require, approval, null);
		}

		/**
		 * A placement rule (deny or require), with no approval.
		 * @param name a unique name
		 * @param description what it is for
		 * @param enabled whether dispatch applies it
		 * @param priority the order of application
		 * @param match the CEL condition that selects the tasks
		 * @param effect deny or require
		 * @param require the condition an agent must satisfy, for require
		 */
		public Definition(String name, String description, boolean enabled, int priority, String match, Effect effect,
				@Nullable String require) {
			this(name, description, enabled, priority, match, effect, require, null, null);
		}

	}

}
