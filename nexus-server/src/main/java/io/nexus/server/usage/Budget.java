package io.nexus.server.usage;

import java.math.BigDecimal;
import java.time.Instant;

import io.nexus.server.agents.AgentId;
import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;

/**
 * A budget an admin set on a scope: at most so many tokens, so much money or both per
 * period. Spent once either is reached.
 *
 * @param id its id
 * @param name a unique name
 * @param scope what it counts
 * @param scopeValue which agent, creator, category or fairness key
 * @param period the period it counts over
 * @param maxTokens the most input plus output tokens, if limited
 * @param maxCost the most money, if limited
 * @param currency the currency of {@code maxCost}; costs in another currency do not count
 * @param createdBy the admin who created it
 * @param createdAt when
 * @param updatedAt when it last changed
 */
public record Budget(String id, String name, BudgetScope scope, String scopeValue, BudgetPeriod period,
		@Nullable Long maxTokens, @Nullable BigDecimal maxCost, String currency, String createdBy, Instant createdAt,
		Instant updatedAt) {

	/**
	 * Whether the budget counts the task's usage.
	 * @param task the task
	 * @param agentId the agent that runs it, or would
	 * @return {@code true} if the task is in the scope
	 */
	public boolean applies(Task task, @Nullable AgentId agentId) {
		return this.scopeValue.equals(this.scope.of(task, agentId));
	}

	/**
	 * Whether what was counted reaches the budget.
	 * @param tokens tokens counted in the period
	 * @param cost money counted in the period
	 * @return {@code true} if either limit is reached
	 */
	public boolean spentBy(long tokens, BigDecimal cost) {
		return (this.maxTokens != null && tokens >= this.maxTokens)
				|| (this.maxCost != null && cost.compareTo(this.maxCost) >= 0);
	}

	/**
	 * The largest share of a limit that is used, in percent.
	 * @param tokens tokens counted in the period
	 * @param cost money counted in the period
	 * @return 0 or more; 100 or more when spent
	 */
	public double percentUsed(long tokens, BigDecimal cost) {
		double percent = 0;
		if (this.maxTokens != null) {
			percent = Math.max(percent, 100.0 * tokens / this.maxTokens);
		}
		if (this.maxCost != null && this.maxCost.signum() > 0) {
			percent = Math.max(percent, 100.0 * cost.doubleValue() / this.maxCost.doubleValue());
		}
		return percent;
	}

	/**
	 * The scope in words.
	 * @return such as {@code creator alice}
	 */
	public String describeScope() {
		return this.scope.wireName() + " " + this.scopeValue;
	}

	/**
	 * The limits in words.
	 * @return such as {@code 1000 tokens or 5.00 USD per day}
	 */
	public String describe() {
		String tokens = (this.maxTokens != null) ? this.maxTokens + " tokens" : null;
		String cost = (this.maxCost != null) ? this.maxCost.stripTrailingZeros().toPlainString() + " " + this.currency
				: null;
		String limits = (tokens != null && cost != null) ? tokens + " or " + cost : (tokens != null) ? tokens : cost;
		return limits + " per " + this.period.wireName() + " for " + describeScope();
	}

}
