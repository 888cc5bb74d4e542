package io.nexus.server.usage;

import java.util.Arrays;

import io.nexus.server.agents.AgentId;
import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;

/**
 * What a budget counts the usage of: the tasks of one agent, of one creator, of one
 * category or of one fairness key. Tasks carry no labels; their category and fairness key
 * are the labels budgets and usage are summed by.
 */
public enum BudgetScope {

	/** The tasks an agent runs. */
	AGENT("agent"),

	/** The tasks a user or API key created. */
	CREATOR("creator"),

	/** The tasks of a category. */
	CATEGORY("category"),

	/** The tasks of a fairness key (a team, a customer). */
	FAIRNESS_KEY("fairness_key");

	private final String wireName;

	BudgetScope(String wireName) {
		this.wireName = wireName;
	}

	public String wireName() {
		return this.wireName;
	}

	/**
	 * The task's value of this scope.
	 * @param task the task
	 * @param agentId the agent that runs it, or would
	 * @return the value, or {@code null} if the task has none
	 */
	public @Nullable String of(Task task, @Nullable AgentId agentId) {
		return switch (this) {
			case AGENT -> (agentId != null) ? agentId.value() : null;
			case CREATOR -> task.createdBy();
			case CATEGORY -> task.category();
			case FAIRNESS_KEY -> task.fairnessKey();
		};
	}

	public static BudgetScope fromWireName(String name) {
		return Arrays.stream(values())
			.filter((scope) -> scope.wireName.equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("no budget scope " + name));
	}

}
