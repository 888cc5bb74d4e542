package io.nexus.server.tasks;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * A task's own budget, given at creation: once the usage its agents report exceeds it,
 * the task is stopped on its agent with reason {@code budget_exceeded}.
 *
 * @param maxTokens the most input plus output tokens, if limited
 * @param maxCost the most money, in {@code currency}, if limited
 * @param currency the ISO 4217 code of {@code maxCost}; reports in another currency do
 * not count against it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskBudget(@Nullable Long maxTokens, @Nullable BigDecimal maxCost, String currency) {

	/**
	 * Whether a total exceeds the budget.
	 * @param tokens input plus output tokens so far
	 * @param cost money so far, in {@code currency}
	 * @return {@code true} if either limit is passed
	 */
	public boolean exceededBy(long tokens, BigDecimal cost) {
		return (this.maxTokens != null && tokens > this.maxTokens)
				|| (this.maxCost != null && cost.compareTo(this.maxCost) > 0);
	}

}
