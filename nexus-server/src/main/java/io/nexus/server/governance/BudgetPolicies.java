package io.nexus.server.governance;

import java.util.List;

import dev.cel.runtime.CelEvaluationException;
import io.nexus.server.tasks.BudgetDefaults;
import io.nexus.server.tasks.NewTask;
import io.nexus.server.tasks.TaskBudget;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Gives new tasks the budget of the first enabled {@code budget} placement policy, in
 * priority order, whose {@code match} holds; a condition that fails to evaluate gives its
 * budget too (fail closed: a budget limits, it never widens).
 */
@Component
class BudgetPolicies implements BudgetDefaults {

	private final ActivePolicies policies;

	BudgetPolicies(ActivePolicies policies) {
		this.policies = policies;
	}

	@Override
	public @Nullable PolicyBudget budgetOf(NewTask request, String actor) {
		List<CompiledPolicy> enabled = this.policies.budgets();
		if (enabled.isEmpty()) {
			return null;
		}
		var variables = PolicyVariables.task((request.id() != null) ? request.id().value() : "", request.title(),
				request.category(), request.effectiveCapabilities(), request.priority().wireName(), actor,
				request.maxAttempts(), request.timeoutSeconds());
		for (CompiledPolicy policy : enabled) {
			TaskBudget budget = policy.policy().definition().budget();
			if (budget == null) {
				continue;
			}
			boolean matches;
			try {
				matches = policy.matches(variables);
			}
			catch (CelEvaluationException ex) {
				this.policies.failed(policy, ex);
				matches = true;
			}
			if (matches) {
				return new PolicyBudget(budget, policy.policy().ref());
			}
		}
		return null;
	}

}
