package io.nexus.server.usage.web;

import java.math.BigDecimal;
import java.security.Principal;
import java.time.Instant;
import java.util.List;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.PlainText;
import io.nexus.server.usage.Budget;
import io.nexus.server.usage.BudgetPeriod;
import io.nexus.server.usage.BudgetScope;
import io.nexus.server.usage.Budgets;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Budgets on scopes: {@code GET /api/budgets} (any role), {@code POST}, {@code PUT
 * /api/budgets/{id}} and {@code DELETE /api/budgets/{id}} (admin, audited).
 */
@RestController
@RequestMapping("/api/budgets")
@Tag(name = "Budgets", description = "Caps on the tokens and money a scope's tasks may spend per period")
class BudgetController {

	private final Budgets budgets;

	private final AuditLog audit;

	BudgetController(Budgets budgets, AuditLog audit) {
		this.budgets = budgets;
		this.audit = audit;
	}

	@GetMapping
	@Operation(summary = "The budgets, with what each has used in its current period")
	BudgetList list() {
		return new BudgetList(this.budgets.list().stream().map(this::response).toList());
	}

	@GetMapping("/{id}")
	@Operation(summary = "One budget, with what it has used in its current period")
	BudgetResponse get(@PathVariable @Pattern(regexp = Limits.NAME_PATTERN) String id) {
		return response(this.budgets.find(id));
	}

	@PostMapping
	@Operation(summary = "Create a budget (admin)",
			description = "At most max_tokens (input plus output) and max_cost (in currency) reported by the tasks of "
					+ "the scope per period (task: each task on its own; day, month: in nexus.budgets.time-zone). Once "
					+ "spent, the scope's new tasks wait with a waiting_reason naming the budget and its reset, and "
					+ "its running tasks are stopped at their next usage report.")
	ResponseEntity<BudgetResponse> create(@Valid @RequestBody BudgetRequest request, Principal principal) {
		Budget budget = this.budgets.create(request.toSpec(), principal.getName());
		this.audit.record("budget.created", budget.id(), AuditLog.SUCCESS, budget.name() + ": " + budget.describe());
		return ResponseEntity.status(HttpStatus.CREATED).body(response(budget));
	}

	@PutMapping("/{id}")
	@Operation(summary = "Replace a budget (admin)",
			description = "What it counted in the current period stays: raising it releases the waiting tasks.")
	BudgetResponse update(@PathVariable @Pattern(regexp = Limits.NAME_PATTERN) String id,
			@Valid @RequestBody BudgetRequest request) {
		Budget budget = this.budgets.update(id, request.toSpec());
		this.audit.record("budget.updated", budget.id(), AuditLog.SUCCESS, budget.name() + ": " + budget.describe());
		return response(budget);
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Delete a budget (admin)", description = "What it held back may start at once.")
	ResponseEntity<Void> delete(@PathVariable @Pattern(regexp = Limits.NAME_PATTERN) String id) {
		Budget budget = this.budgets.delete(id);
		this.audit.record("budget.deleted", budget.id(), AuditLog.SUCCESS, budget.name() + ": " + budget.describe());
		return ResponseEntity.noContent().build();
	}

	private BudgetResponse response(Budget budget) {
		Budgets.Status status = this.budgets.status(budget);
		return new BudgetResponse(budget.id(), budget.name(), budget.scope().wireName(), budget.scopeValue(),
				budget.period().wireName(), budget.maxTokens(), budget.maxCost(), budget.currency(), budget.describe(),
				status.periodKey(), status.tokens(), status.cost(), Math.round(status.percentUsed() * 10) / 10.0,
				status.spent(), status.resetAt(), budget.createdBy(), budget.createdAt(), budget.updatedAt());
	}

	/**
	 * The body of a create or replace.
	 *
	 * @param name a unique name (letters, digits, {@code _.:/-}, at most 64)
	 * @param scope {@code agent}, {@code creator}, {@code category} or
	 * {@code fairness_key}
	 * @param scopeValue the agent id, creator, category or fairness key (1 to 200
	 * characters)
	 * @param period {@code task}, {@code day} or {@code month}
	 * @param maxTokens the most input plus output tokens, 1 to 10^15
	 * @param maxCost the most money, 0.000001 to 10^12, at most 6 decimals
	 * @param currency the ISO 4217 code of {@code max_cost} (default USD)
	 */
	record BudgetRequest(@NotNull @Pattern(regexp = Limits.NAME_PATTERN) String name,
			@NotNull @Pattern(regexp = "agent|creator|category|fairness_key") String scope,
			@NotNull @Size(min = 1, max = 200) @PlainText String scopeValue,
			@NotNull @Pattern(regexp = "task|day|month") String period,
			@Nullable @Min(1) @Max(1_000_000_000_000_000L) Long maxTokens,
			@Nullable @DecimalMin("0.000001") @DecimalMax("1000000000000") @Digits(integer = 13,
					fraction = 6) BigDecimal maxCost,
			@Nullable @Pattern(regexp = "[A-Z]{3}") String currency) {

		Budgets.Spec toSpec() {
			return new Budgets.Spec(this.name, BudgetScope.fromWireName(this.scope), this.scopeValue,
					BudgetPeriod.fromWireName(this.period), this.maxTokens, this.maxCost,
					(this.currency != null) ? this.currency : "USD");
		}

	}

	/**
	 * Budgets.
	 *
	 * @param items the budgets, by name
	 */
	record BudgetList(List<BudgetResponse> items) {

	}

	/**
	 * A budget as the API shows it.
	 *
	 * @param id its id
	 * @param name its name
	 * @param scope what it counts
	 * @param scopeValue which agent, creator, category or fairness key
	 * @param period the period it counts over
	 * @param maxTokens the most tokens, if limited
	 * @param maxCost the most money, if limited
	 * @param currency the currency of max_cost
	 * @param description the budget in words
	 * @param periodKey the current period ({@code 2026-12-04}, {@code 2026-12}), or
	 * {@code null} for a budget per task
	 * @param usedTokens tokens counted in the current period
	 * @param usedCost money counted in the current period
	 * @param percentUsed the larger share of a limit used
	 * @param spent whether the scope's new tasks wait now
	 * @param resetAt when the current period ends
	 * @param createdBy the admin who created it
	 * @param createdAt when
	 * @param updatedAt when it last changed
	 */
	record BudgetResponse(String id, String name, String scope, String scopeValue, String period,
			@Nullable Long maxTokens, @Nullable BigDecimal maxCost, String currency, String description,
			@Nullable String periodKey, long usedTokens, BigDecimal usedCost, double percentUsed, boolean spent,
			@Nullable Instant resetAt, String createdBy, Instant createdAt, Instant updatedAt) {

	}

}
