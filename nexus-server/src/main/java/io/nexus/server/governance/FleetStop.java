package io.nexus.server.governance;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.nexus.server.agents.Agent;
import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;

/**
 * An emergency stop: while it is active, nothing it covers is dispatched or assigned, on
 * any node; a {@link Mode#HALT} also cancelled the covered tasks that were running when
 * it began.
 *
 * @param id its id
 * @param mode hold or halt
 * @param scope what it covers
 * @param reason why, as the admin gave it
 * @param createdBy the admin who stopped
 * @param createdAt when
 * @param endedAt when it was resumed, or {@code null} while active
 * @param endedBy who resumed it, or {@code null}
 */
public record FleetStop(String id, Mode mode, Scope scope, String reason, String createdBy, Instant createdAt,
		@Nullable Instant endedAt, @Nullable String endedBy) {

	/**
	 * Whether it is still in force.
	 * @return {@code true} until resumed
	 */
	public boolean active() {
		return this.endedAt == null;
	}

	/**
	 * Whether it covers the pair, that is holds the task back from the agent.
	 * @param task the task
	 * @param agent the agent
	 * @return {@code true} if both the agent and the task are in its scope
	 */
	public boolean covers(Task task, Agent agent) {
		return this.scope.coversAgent(agent) && this.scope.coversTask(task);
	}

	/**
	 * What a stop does.
	 */
	public enum Mode {

		/** Nothing new is dispatched or assigned; running tasks go on. */
		HOLD,
		/** As hold, and the covered running tasks are cancelled on their agents. */
		HALT;

		public String wireName() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/**
	 * What a stop covers: agents chosen by id or labels (none given: every agent) and
	 * tasks chosen by category (none given: every task). An agent is covered if its id is
	 * listed, or if it carries every label given.
	 *
	 * @param agentIds agents by id
	 * @param agentLabels agents by labels, all of which must match
	 * @param categories tasks by category
	 */
	public record Scope(List<String> agentIds, Map<String, String> agentLabels, List<String> categories) {

		/** The whole fleet. */
		public static final Scope EVERYTHING = new Scope(List.of(), Map.of(), List.of());

		public Scope {
			agentIds = List.copyOf(agentIds);
			agentLabels = Map.copyOf(agentLabels);
			categories = List.copyOf(categories);
		}

		/**
		 * Whether it covers every agent and every task.
		 * @return {@code true} for the whole fleet
		 */
		public boolean everything() {
			return allAgents() && this.categories.isEmpty();
		}

		boolean allAgents() {
			return this.agentIds.isEmpty() && this.agentLabels.isEmpty();
		}

		/**
		 * Whether the agent is in scope.
		 * @param agent the agent
		 * @return {@code true} if no agent selector is given, or the agent matches it
		 */
		public boolean coversAgent(Agent agent) {
			if (allAgents()) {
				return true;
			}
			if (this.agentIds.contains(agent.id().value())) {
				return true;
			}
			return !this.agentLabels.isEmpty() && this.agentLabels.entrySet()
				.stream()
				.allMatch((label) -> label.getValue().equals(agent.labels().get(label.getKey())));
		}

		/**
		 * Whether the task is in scope.
		 * @param task the task
		 * @return {@code true} if no category is given, or the task's is one of them
		 */
		public boolean coversTask(Task task) {
			return this.categories.isEmpty() || (task.category() != null && this.categories.contains(task.category()));
		}

		/**
		 * In words, for reasons and banners.
		 * @return such as "agents with labels {zone=eu} and tasks of categories [build]"
		 */
		public String describe() {
			if (everything()) {
				return "the whole fleet";
			}
			StringBuilder text = new StringBuilder();
			if (!allAgents()) {
				text.append("agents");
				if (!this.agentIds.isEmpty()) {
					text.append(" ").append(this.agentIds);
				}
				if (!this.agentLabels.isEmpty()) {
					text.append(this.agentIds.isEmpty() ? " with labels " : " or with labels ")
						.append(this.agentLabels);
				}
			}
			if (!this.categories.isEmpty()) {
				text.append(allAgents() ? "tasks of categories " : " for tasks of categories ").append(this.categories);
			}
			return text.toString();
		}

	}

}
