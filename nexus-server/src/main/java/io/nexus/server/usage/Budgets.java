package io.nexus.server.usage;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.Ids;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.NotFoundException;
import io.nexus.server.usage.persistence.BudgetRepository;
import io.nexus.server.usage.persistence.BudgetRepository.Spend;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/**
 * Budgets on scopes, managed by admins: stored, announced to the other nodes at once, and
 * enforced by {@link UsageLedger} (counting) and {@link BudgetRule} (holding new tasks).
 */
@Service
public class Budgets {

	/** The most budgets there may be: every usage report checks each. */
	public static final int MAX_BUDGETS = 100;

	private final BudgetRepository repository;

	private final BudgetBoard board;

	private final Clock clock;

	Budgets(BudgetRepository repository, BudgetBoard board, Clock clock) {
		this.repository = repository;
		this.board = board;
		this.clock = clock;
	}

	public List<Budget> list() {
		return this.repository.findAll();
	}

	public Budget find(String id) {
		return this.repository.findById(id)
			.orElseThrow(() -> new NotFoundException("budget_not_found", "No budget " + id, Map.of("id", id)));
	}

	/**
	 * How much of a budget its current period has used.
	 * @param budget the budget
	 * @return the count, zero for a budget per task
	 */
	public Status status(Budget budget) {
		Instant now = this.clock.instant();
		Spend spend = (budget.period() != BudgetPeriod.TASK)
				? this.repository.spend(budget.id(), budget.period().key(now, this.board.zone(), null)).orElse(null)
				: null;
		long tokens = (spend != null) ? spend.tokens() : 0;
		BigDecimal cost = (spend != null) ? spend.cost() : BigDecimal.ZERO;
		boolean spent = budget.period() != BudgetPeriod.TASK && budget.spentBy(tokens, cost);
		return new Status(
				(budget.period() != BudgetPeriod.TASK) ? budget.period().key(now, this.board.zone(), null) : null,
				tokens, cost, budget.percentUsed(tokens, cost), spent, budget.period().resetAt(now, this.board.zone()));
	}

	/**
	 * Creates a budget.
	 * @param spec what it limits
	 * @param admin who creates it
	 * @return the budget
	 */
	public Budget create(Spec spec, String admin) {
		check(spec, null);
		if (this.repository.count() >= MAX_BUDGETS) {
			throw InvalidRequestException.unprocessable("too_many_budgets",
					"There are already " + MAX_BUDGETS + " budgets; delete one first", Map.of("max", MAX_BUDGETS));
		}
		Instant now = this.clock.instant();
		Budget budget = new Budget(Ids.next("bud"), spec.name(), spec.scope(), spec.scopeValue(), spec.period(),
				spec.maxTokens(), spec.maxCost(), spec.currency(), admin, now, now);
		this.repository.insert(budget);
		this.board.changed();
		return budget;
	}

	/**
	 * Replaces a budget; what it counted in the current period stays, so raising it
	 * releases the scope's waiting tasks at once.
	 * @param id the budget
	 * @param spec what it limits now
	 * @return the budget
	 */
	public Budget update(String id, Spec spec) {
		Budget before = find(id);
		check(spec, id);
		Budget budget = new Budget(id, spec.name(), spec.scope(), spec.scopeValue(), spec.period(), spec.maxTokens(),
				spec.maxCost(), spec.currency(), before.createdBy(), before.createdAt(), this.clock.instant());
		this.repository.update(budget);
		this.board.changed();
		return budget;
	}

	/**
	 * Deletes a budget; what it held back may start at once.
	 * @param id the budget
	 * @return the budget as it was
	 */
	public Budget delete(String id) {
		Budget budget = find(id);
		this.repository.delete(id);
		this.board.changed();
		return budget;
	}

	private void check(Spec spec, @Nullable String id) {
		if (spec.maxTokens() == null && spec.maxCost() == null) {
			throw InvalidRequestException.unprocessable("budget_empty", "A budget needs max_tokens, max_cost or both",
					Map.of("fields", List.of("max_tokens", "max_cost")));
		}
		if (this.repository.nameTaken(spec.name(), id)) {
			throw new ConflictException("budget_name_taken", "A budget named " + spec.name() + " exists already",
					Map.of("name", spec.name()));
		}
	}

	/**
	 * What a budget should be.
	 *
	 * @param name a unique name
	 * @param scope what it counts
	 * @param scopeValue which agent, creator, category or fairness key
	 * @param period the period it counts over
	 * @param maxTokens the most tokens, if limited
	 * @param maxCost the most money, if limited
	 * @param currency the currency of {@code maxCost}
	 */
	public record Spec(String name, BudgetScope scope, String scopeValue, BudgetPeriod period, @Nullable Long maxTokens,
			@Nullable BigDecimal maxCost, String currency) {

	}

	/**
	 * How much of a budget its current period has used.
	 *
	 * @param periodKey the current period ({@code 2026-12-04}, {@code 2026-12}), or
	 * {@code null} for a budget per task
	 * @param tokens tokens counted in it
	 * @param cost money counted in it
	 * @param percentUsed the larger share of a limit used, in percent
	 * @param spent whether the scope's new tasks wait
	 * @param resetAt when the period ends, or {@code null} for a budget per task
	 */
	public record Status(@Nullable String periodKey, long tokens, BigDecimal cost, double percentUsed, boolean spent,
			@Nullable Instant resetAt) {

	}

}
