package io.nexus.server.usage;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexus.server.dispatch.ClusterEvent;
import io.nexus.server.dispatch.ClusterEvents;
import io.nexus.server.dispatch.Dispatcher;
import io.nexus.server.usage.persistence.BudgetRepository;
import io.nexus.server.usage.persistence.BudgetRepository.Spend;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The budgets as this node knows them, and which scope budgets are spent for their
 * current period. Read from the database once a second
 * ({@code nexus.budgets.refresh-interval}), at once when a budget changes or is spent on
 * any node, and so also when a period ends; when a scope is released (its period reset,
 * its budget raised or deleted) the dispatcher wakes. Dispatch asks {@link #holding}
 * without I/O.
 */
@Component
class BudgetBoard {

	/** The cluster event that tells the other nodes to read the budgets again. */
	static final String CHANGED = "budgets_changed";

	private static final Logger logger = LoggerFactory.getLogger(BudgetBoard.class);

	private final BudgetRepository repository;

	private final ObjectProvider<Dispatcher> dispatcher;

	private final ObjectProvider<ClusterEvents> cluster;

	private final Clock clock;

	private final ZoneId zone;

	private volatile List<Budget> budgets = List.of();

	/** Spent scope budgets by {@link #key scope and value}. */
	private volatile Map<String, BudgetHold> holds = Map.of();

	/** What each day or month budget has counted in its current period, by budget id. */
	private volatile Map<String, Spend> spends = Map.of();

	BudgetBoard(BudgetRepository repository, ObjectProvider<Dispatcher> dispatcher,
			ObjectProvider<ClusterEvents> cluster, BudgetProperties properties, Clock clock, MeterRegistry meters) {
		this.repository = repository;
		this.dispatcher = dispatcher;
		this.cluster = cluster;
		this.clock = clock;
		this.zone = properties.timeZone();
		Gauge.builder("nexus.budgets.spent", this, (board) -> board.holds.size())
			.description("Scope budgets spent for their current period, as this node last read: their tasks wait")
			.register(meters);
	}

	List<Budget> budgets() {
		return this.budgets;
	}

	ZoneId zone() {
		return this.zone;
	}

	/**
	 * The spent budget that holds a scope value back, if any; no I/O.
	 * @param scope the scope
	 * @param value the task's or agent's value of it
	 * @return the hold, or {@code null}
	 */
	@Nullable BudgetHold holding(BudgetScope scope, @Nullable String value) {
		Map<String, BudgetHold> current = this.holds;
		return (value == null || current.isEmpty()) ? null : current.get(key(scope, value));
	}

	boolean anyHolds() {
		return !this.holds.isEmpty();
	}

	/**
	 * What a budget has counted in its current period, as last read.
	 * @param budgetId the budget
	 * @return the count, or {@code null} if nothing (or a budget per task)
	 */
	@Nullable Spend spend(String budgetId) {
		return this.spends.get(budgetId);
	}

	/**
	 * Reads the budgets and their counts again; runs once a second on every node.
	 */
	@Scheduled(fixedDelayString = "${nexus.budgets.refresh-interval:1s}")
	void refresh() {
		Set<String> before = this.holds.keySet();
		List<Budget> beforeBudgets = this.budgets;
		try {
			List<Budget> current = List.copyOf(this.repository.findAll());
			Instant now = this.clock.instant();
			Map<String, Spend> counted = new HashMap<>();
			Map<String, BudgetHold> spent = new HashMap<>();
			if (current.stream().anyMatch((budget) -> budget.period() != BudgetPeriod.TASK)) {
				Set<String> keys = Set.of(BudgetPeriod.DAY.key(now, this.zone, null),
						BudgetPeriod.MONTH.key(now, this.zone, null));
				Map<String, Spend> byBudgetAndKey = new HashMap<>();
				this.repository.spends(keys)
					.forEach((spend) -> byBudgetAndKey.put(spend.budgetId() + "@" + spend.periodKey(), spend));
				for (Budget budget : current) {
					if (budget.period() == BudgetPeriod.TASK) {
						continue;
					}
					Spend spend = byBudgetAndKey.get(budget.id() + "@" + budget.period().key(now, this.zone, null));
					if (spend == null) {
						continue;
					}
					counted.put(budget.id(), spend);
					if (budget.spentBy(spend.tokens(), spend.cost())) {
						spent.put(key(budget.scope(), budget.scopeValue()),
								new BudgetHold(budget, budget.period().resetAt(now, this.zone)));
					}
				}
			}
			this.budgets = current;
			this.spends = Map.copyOf(counted);
			this.holds = Map.copyOf(spent);
		}
		catch (RuntimeException ex) {
			// the database is away: keep what was last read
			logger.debug("Could not read the budgets: {}", ex.getMessage());
			return;
		}
		if (!this.holds.keySet().containsAll(before) || !beforeBudgets.equals(this.budgets)) {
			this.dispatcher.ifAvailable(Dispatcher::wake);
		}
	}

	/**
	 * A budget was created, changed or deleted here: every node reads them again, and
	 * what it released may start.
	 */
	void changed() {
		refresh();
		this.cluster.ifAvailable((events) -> events.publish(CHANGED, Map.of()));
		this.dispatcher.ifAvailable(Dispatcher::wake);
	}

	@EventListener
	void onClusterEvent(ClusterEvent event) {
		if (CHANGED.equals(event.kind())) {
			refresh();
		}
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onSpent(BudgetSpent event) {
		refresh();
		this.cluster.ifAvailable((events) -> events.publish(CHANGED, Map.of()));
	}

	/**
	 * Every scope value held back now, for the dashboard.
	 * @return the holds
	 */
	List<BudgetHold> holds() {
		return List.copyOf(new HashSet<>(this.holds.values()));
	}

	private static String key(BudgetScope scope, String value) {
		return scope.wireName() + "\u0000" + value;
	}

}
