package io.nexus.server.tasks;

import java.math.BigDecimal;
import java.util.Map;

import io.nexus.server.shared.InvalidRequestException;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A budget as clients write it, in a task's create request or a budget placement policy:
 * at least one of the two limits.
 *
 * @param maxTokens the most input plus output tokens, 1 to 10^15
 * @param maxCost the most money, 0.000001 to 10^12, at most 6 decimals
 * @param currency the ISO 4217 code of {@code max_cost} (default USD)
 * @param onExceed {@code cancel} (default) or {@code approval}: what becomes of the
 * running task that exceeds it
 */
public record TaskBudgetRequest(@Nullable @Min(1) @Max(1_000_000_000_000_000L) Long maxTokens,
		@Nullable @DecimalMin("0.000001") @DecimalMax("1000000000000") @Digits(integer = 13,
				fraction = 6) BigDecimal maxCost,
		@Nullable @Pattern(regexp = "[A-Z]{3}") String currency,
		@Nullable @Pattern(regexp = "cancel|approval", message = "must be cancel or approval") String onExceed) {

	/**
	 * The budget.
	 * @return it
	 * @throws InvalidRequestException (422 {@code budget_empty}) without a limit
	 */
	public TaskBudget toBudget() {
		if (this.maxTokens == null && this.maxCost == null) {
			throw InvalidRequestException.unprocessable("budget_empty", "A budget needs max_tokens, max_cost or both",
					Map.of("field", "budget"));
		}
		return new TaskBudget(this.maxTokens, this.maxCost, (this.currency != null) ? this.currency : "USD",
				(this.onExceed != null) ? TaskBudget.OnExceed.of(this.onExceed) : null);
	}

}
