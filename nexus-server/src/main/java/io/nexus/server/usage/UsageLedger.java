package io.nexus.server.usage;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.nexus.protocol.TaskStatus;
import io.nexus.protocol.frames.UsageReport;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.shared.NexusException;
import io.nexus.server.tasks.GatedTasks;
import io.nexus.server.tasks.Lease;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskBudget;
import io.nexus.server.tasks.TaskLeases;
import io.nexus.server.tasks.TaskService;
import io.nexus.server.tasks.TaskStatusChanged;
import io.nexus.server.tasks.TaskUsage;
import io.nexus.server.usage.persistence.BudgetRepository;
import io.nexus.server.usage.persistence.BudgetRepository.Spend;
import io.nexus.server.usage.persistence.UsageRepository;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Counts what agents report spending, in the transaction that stores their report.
 * <p>
 * Exact across nodes: a charge locks the rows of the task and of every scope budget that
 * applies to it (in id order), reads what each budget has counted in its current period,
 * and refuses the whole report if one was already spent. So reports on any number of
 * nodes count one after the other, and a scope's count passes its budget by at most the
 * one report that crossed it; every later report of the period is refused and its task
 * stopped. A task's own budget is checked after counting: the report that takes the task
 * past it is stored, and the task is cancelled with reason {@code budget_exceeded} or, if
 * its budget says {@code on_exceed: approval}, held in {@code awaiting_approval} until a
 * person grants it as much again.
 */
@Service
public class UsageLedger {

	/** How the status reason of a task stopped for a budget begins. */
	public static final String BUDGET_EXCEEDED = "budget_exceeded";

	private static final Logger logger = LoggerFactory.getLogger(UsageLedger.class);

	private static final double WARNING_PERCENT = 80;

	private static final String APPROVAL_REQUESTED = "approval_requested";

	private final TaskLeases leases;

	private final TaskService tasks;

	private final GatedTasks gated;

	private final UsageRepository usage;

	private final BudgetRepository budgets;

	private final BudgetBoard board;

	private final UsageMetrics metrics;

	private final ApplicationEventPublisher events;

	private final AuditLog audit;

	private final Clock clock;

	UsageLedger(TaskLeases leases, TaskService tasks, GatedTasks gated, UsageRepository usage, BudgetRepository budgets,
			BudgetBoard board, UsageMetrics metrics, ApplicationEventPublisher events, AuditLog audit, Clock clock) {
		this.gated = gated;
		this.leases = leases;
		this.tasks = tasks;
		this.usage = usage;
		this.budgets = budgets;
		this.board = board;
		this.metrics = metrics;
		this.events = events;
		this.audit = audit;
		this.clock = clock;
	}

	/**
	 * Counts a usage report under a lease, before the rest of the report is stored. Runs
	 * in the caller's transaction.
	 * @param lease the lease the report came under
	 * @param report the usage, already within bounds
	 * @param finishing whether the report completes or fails the task: a task that ends
	 * anyway is not stopped for its own budget
	 * @return what became of it; the rest of the report is stored only if
	 * {@link Charge#reportGoesOn()}
	 * @throws io.nexus.server.tasks.StaleLeaseException if the lease is not current
	 * (nothing written)
	 */
	@Transactional(noRollbackFor = NexusException.class)
	public Charge charge(Lease lease, UsageReport report, boolean finishing) {
		Optional<Task> running = this.leases.running(lease);
		if (running.isEmpty()) {
			return Charge.REPEATED;
		}
		Task task = running.get();
		Instant now = this.clock.instant();
		List<Budget> applying = this.board.budgets()
			.stream()
			.filter((budget) -> budget.applies(task, lease.agentId()))
			.sorted(Comparator.comparing(Budget::id))
			.toList();
		List<Counting> counting = new ArrayList<>(applying.size());
		if (!applying.isEmpty()) {
			this.budgets.lock(applying.stream().map(Budget::id).toList());
			for (Budget budget : applying) {
				String period = budget.period().key(now, this.board.zone(), task.id());
				Spend spend = this.budgets.spend(budget.id(), period).orElse(null);
				if (spend != null && budget.spentBy(spend.tokens(), spend.cost())) {
					String why = new BudgetHold(budget, budget.period().resetAt(now, this.board.zone())).explain();
					stop(task, why, "scope");
					return new Charge(Charge.Outcome.REFUSED, BUDGET_EXCEEDED + ": " + why);
				}
				counting.add(new Counting(budget, period, spend));
			}
		}
		TaskUsage total = this.usage.add(task.id(), report, now);
		this.usage.record(task, lease.agentId(), report, now);
		for (Counting count : counting) {
			count(count, report, now);
		}
		this.metrics.counted(report);
		TaskBudget own = this.usage.findBudget(task.id()).orElse(null);
		if (own != null && !finishing && own.exceededBy(total.inputTokens() + total.outputTokens(),
				own.currency().equals(total.currency()) ? total.cost() : BigDecimal.ZERO)) {
			String why = "the task's own budget (" + describe(own) + ") is spent";
			if (own.effectiveOnExceed() == TaskBudget.OnExceed.APPROVAL
					&& (task.status() == TaskStatus.IN_PROGRESS || task.status() == TaskStatus.ASSIGNED)) {
				hold(task, why);
				return new Charge(Charge.Outcome.STOPPED, BUDGET_EXCEEDED + ": " + why + "; " + APPROVAL_REQUESTED);
			}
			stop(task, why, "task");
			return new Charge(Charge.Outcome.STOPPED, BUDGET_EXCEEDED + ": " + why);
		}
		return Charge.COUNTED;
	}

	private void count(Counting count, UsageReport report, Instant now) {
		Budget budget = count.budget();
		Spend before = count.before();
		long tokens = ((before != null) ? before.tokens() : 0) + report.totalTokens();
		BigDecimal cost = ((before != null) ? before.cost() : BigDecimal.ZERO)
			.add((report.cost() != null && budget.currency().equals(report.effectiveCurrency())) ? report.cost()
					: BigDecimal.ZERO);
		double percent = budget.percentUsed(tokens, cost);
		boolean warn = percent >= WARNING_PERCENT && (before == null || !before.warned());
		this.budgets.save(
				new Spend(budget.id(), count.period(), tokens, cost, warn || (before != null && before.warned()), now),
				before == null);
		if (warn && !budget.spentBy(tokens, cost)) {
			this.audit.recordAs("system", "budget.warning", budget.id(), AuditLog.SUCCESS, budget.name() + ": "
					+ Math.round(percent) + " % of " + budget.describe() + " used (" + count.period() + ")");
			this.events.publishEvent(
					new BudgetWarned(budget.id(), budget.name(), budget.describeScope(), count.period(), percent));
		}
		boolean wasSpent = before != null && budget.spentBy(before.tokens(), before.cost());
		if (!wasSpent && budget.spentBy(tokens, cost)) {
			Instant resetAt = budget.period().resetAt(now, this.board.zone());
			logger.info("Budget {} ({}) is spent for {}", budget.name(), budget.describe(), count.period());
			this.audit.recordAs("system", "budget.spent", budget.id(), AuditLog.SUCCESS,
					budget.name() + ": " + budget.describe() + " spent (" + count.period() + ")"
							+ ((resetAt != null) ? " until " + resetAt : ""));
			this.events.publishEvent(
					new BudgetSpent(budget.id(), budget.name(), budget.describeScope(), count.period(), resetAt));
		}
	}

	private void stop(Task task, String why, String kind) {
		logger.info("Stopping task {}: {}", task.id(), why);
		this.metrics.exceeded(kind);
		this.tasks.cancel(task.id(), BUDGET_EXCEEDED + ": " + why, "system");
	}

	/**
	 * Stops a task whose own budget says {@code on_exceed: approval}: it awaits a person,
	 * who grants it as much again ({@link #onTaskStatusChanged}) or cancels it.
	 */
	private void hold(Task task, String why) {
		logger.info("Holding task {} for approval: {}", task.id(), why);
		this.metrics.exceeded("task");
		this.usage.awaitGrant(task.id());
		this.gated.holdForBudget(task, "system", BUDGET_EXCEEDED + ": " + why + "; " + APPROVAL_REQUESTED);
	}

	/**
	 * A task held for its budget was approved: its limits grow by the amounts it was
	 * created with, in the transaction that queues it again.
	 * @param change the change
	 */
	@EventListener
	void onTaskStatusChanged(TaskStatusChanged change) {
		if (change.from() == TaskStatus.AWAITING_APPROVAL && change.to() == TaskStatus.QUEUED
				&& this.usage.grant(change.taskId())) {
			logger.info("Task {} was granted more budget ({})", change.taskId(), change.reason());
		}
	}

	private static String describe(TaskBudget budget) {
		String tokens = (budget.maxTokens() != null) ? budget.maxTokens() + " tokens" : null;
		String cost = (budget.maxCost() != null)
				? budget.maxCost().stripTrailingZeros().toPlainString() + " " + budget.currency() : null;
		return (tokens != null && cost != null) ? tokens + " or " + cost
				: (tokens != null) ? tokens : String.valueOf(cost);
	}

	private record Counting(Budget budget, String period, @Nullable Spend before) {

	}

}
