package io.nexus.server.tasks;

import java.math.BigDecimal;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A task's own budget, given at creation: once the usage its agents report exceeds it,
 * the task is stopped on its agent with reason {@code budget_exceeded}, and cancelled or,
 * with {@code on_exceed: approval}, held in {@code awaiting_approval} until a person
 * grants more.
 *
 * @param maxTokens the most input plus output tokens, if limited
 * @param maxCost the most money, in {@code currency}, if limited
 * @param currency the ISO 4217 code of {@code maxCost}; reports in another currency do
 * not count against it
 * @param onExceed what happens when it is exceeded; {@code null} means
 * {@link OnExceed#CANCEL} (and keeps the idempotency hash of requests without it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskBudget(@Nullable Long maxTokens, @Nullable BigDecimal maxCost, String currency,
		@Nullable OnExceed onExceed) {

	/**
	 * A budget that cancels its task when exceeded.
	 * @param maxTokens the most tokens, if limited
	 * @param maxCost the most money, if limited
	 * @param currency the currency of {@code maxCost}
	 */
	public TaskBudget(@Nullable Long maxTokens, @Nullable BigDecimal maxCost, String currency) {
		this(maxTokens, maxCost, currency, null);
	}

	/**
	 * What happens when the budget is exceeded.
	 * @return never {@code null}
	 */
	public OnExceed effectiveOnExceed() {
		return (this.onExceed != null) ? this.onExceed : OnExceed.CANCEL;
	}

	/**
	 * What becomes of a running task that exceeds its own budget.
	 */
	public enum OnExceed {

		/** Cancelled, reason {@code budget_exceeded}. */
		CANCEL,
		/**
		 * Held in {@code awaiting_approval}; approved, it is queued again with its budget
		 * raised by the amounts it was created with.
		 */
		APPROVAL;

		/**
		 * The name in the API.
		 * @return {@code cancel} or {@code approval}
		 */
		@JsonValue
		public String wireName() {
			return name().toLowerCase(Locale.ROOT);
		}

		/**
		 * The value with a wire name.
		 * @param wireName {@code cancel} or {@code approval}
		 * @return the value
		 * @throws IllegalArgumentException for anything else
		 */
		@JsonCreator
		public static OnExceed of(String wireName) {
			for (OnExceed value : values()) {
				if (value.wireName().equals(wireName)) {
					return value;
				}
			}
			throw new IllegalArgumentException("on_exceed is cancel or approval, not " + wireName);
		}

	}

	/**
	 * The budget a task gets from its own budget and a policy's: the smaller of each
	 * limit (a limit only one of them sets is that one); a cost limit in another currency
	 * than the policy's gives way to the policy's; {@code on_exceed} is the policy's
	 * (default cancel) unless the task's own says cancel.
	 * @param own the task's own budget, or {@code null}
	 * @param policy the policy's budget
	 * @return the budget that applies
	 */
	public static TaskBudget tighter(@Nullable TaskBudget own, TaskBudget policy) {
		if (own == null) {
			return policy;
		}
		Long maxTokens = (own.maxTokens == null) ? policy.maxTokens
				: (policy.maxTokens == null) ? own.maxTokens : Math.min(own.maxTokens, policy.maxTokens);
		BigDecimal maxCost;
		String currency;
		if (policy.maxCost == null) {
			maxCost = own.maxCost;
			currency = own.currency;
		}
		else if (own.maxCost == null || !own.currency.equals(policy.currency)) {
			maxCost = policy.maxCost;
			currency = policy.currency;
		}
		else {
			maxCost = own.maxCost.min(policy.maxCost);
			currency = policy.currency;
		}
		OnExceed onExceed = (own.onExceed == OnExceed.CANCEL) ? OnExceed.CANCEL : policy.onExceed;
		return new TaskBudget(maxTokens, maxCost, currency, onExceed);
	}

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
