package io.nexus.server.usage;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A spent scope budget that holds the scope's new tasks back.
 *
 * @param budget the budget
 * @param resetAt when its period ends
 */
record BudgetHold(Budget budget, @Nullable Instant resetAt) {

	String explain() {
		return "budget for " + this.budget.describeScope() + " spent"
				+ ((this.resetAt != null) ? " until " + this.resetAt : "") + " (budget " + this.budget.name() + ")";
	}

}
