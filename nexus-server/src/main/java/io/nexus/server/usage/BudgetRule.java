package io.nexus.server.usage;

import java.util.List;
import java.util.Map;

import io.nexus.server.dispatch.Contender;
import io.nexus.server.dispatch.EligibilityRule;
import io.nexus.server.dispatch.Refusal;
import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * While a scope's budget is spent for its period, the scope's new tasks wait, with the
 * waiting reason "budget for &lt;scope&gt; spent until &lt;reset time&gt;"; an agent
 * whose own budget is spent takes no new task. Answers from what {@link BudgetBoard} last
 * read, without I/O; with no budget spent it costs one read of a field.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 6)
class BudgetRule implements EligibilityRule {

	private final BudgetBoard board;

	BudgetRule(BudgetBoard board) {
		this.board = board;
	}

	@Override
	public boolean admits(Task task, Contender agent) {
		return !this.board.anyHolds() || hold(task, agent) == null;
	}

	@Override
	public boolean admitsAny(Contender agent) {
		return !this.board.anyHolds() || this.board.holding(BudgetScope.AGENT, agent.agent().id().value()) == null;
	}

	@Override
	public @Nullable String holding(Task task) {
		BudgetHold hold = taskHold(task);
		return (hold != null) ? hold.explain() : null;
	}

	@Override
	public Refusal refusal(Task task, Contender agent) {
		BudgetHold hold = hold(task, agent);
		if (hold == null) {
			return new Refusal("budget_spent", "a spent budget holds the task back", Map.of());
		}
		return new Refusal("budget_spent", hold.explain(),
				Map.of("budget_id", hold.budget().id(), "budget", hold.budget().name()));
	}

	@Override
	public String noneAdmits(Task task, List<? extends Contender> considered) {
		BudgetHold hold = hold(task, considered.get(0));
		return (hold != null) ? hold.explain() : "a spent budget holds the task back";
	}

	private @Nullable BudgetHold hold(Task task, Contender agent) {
		BudgetHold hold = taskHold(task);
		return (hold != null) ? hold : this.board.holding(BudgetScope.AGENT, agent.agent().id().value());
	}

	private @Nullable BudgetHold taskHold(Task task) {
		if (!this.board.anyHolds()) {
			return null;
		}
		BudgetHold hold = this.board.holding(BudgetScope.CREATOR, task.createdBy());
		if (hold == null) {
			hold = this.board.holding(BudgetScope.CATEGORY, task.category());
		}
		if (hold == null) {
			hold = this.board.holding(BudgetScope.FAIRNESS_KEY, task.fairnessKey());
		}
		return hold;
	}

}
