package io.nexus.server.governance;

import io.nexus.server.tasks.BudgetDefaults;
import io.nexus.server.tasks.NewTask;
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
		return this.policies
			.firstMatching(this.policies.budgets(), (policy) -> policy.policy().definition().budget() != null, request,
					actor)
			.map((policy) -> new PolicyBudget(policy.policy().definition().budget(), policy.policy().ref()))
			.orElse(null);
	}

}
