package io.nexus.server.notifications;

import io.nexus.server.agents.AgentQuarantined;
import io.nexus.server.governance.ApprovalEvent.ApprovalEscalated;
import io.nexus.server.governance.ApprovalEvent.ApprovalRequested;
import io.nexus.server.tasks.ApprovalSpec;
import io.nexus.server.tasks.InputRequested;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskService;
import io.nexus.server.usage.BudgetSpent;
import io.nexus.server.usage.BudgetWarned;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Turns the changes of other modules into notifications. The listeners run synchronously
 * where the change is published, inside its transaction, so a notification commits with
 * its change, once.
 * <p>
 * Who sees what: an approval request, the task's current approvers (their roles and
 * users) except its creator, who may not approve it; an agent's question, operators and
 * admins (who may answer it); budgets and quarantines, operators and admins.
 */
@Component
class NotificationTriggers {

	private final Notifications notifications;

	private final TaskService tasks;

	NotificationTriggers(Notifications notifications, TaskService tasks) {
		this.notifications = notifications;
		this.tasks = tasks;
	}

	@EventListener
	void onApprovalRequested(ApprovalRequested requested) {
		Task task = this.tasks.get(requested.taskId());
		approval(task, "Approval requested: " + task.title(),
				"Task " + task.id() + " by " + task.createdBy() + " awaits approval by " + requested.approvers()
						+ (requested.policyRef().isEmpty() ? "" : " (policy " + requested.policyRef() + ")"),
				requested.group());
	}

	@EventListener
	void onApprovalEscalated(ApprovalEscalated escalated) {
		Task task = this.tasks.get(escalated.taskId());
		approval(
				task, "Approval escalated: " + task.title(), "Task " + task.id() + " by " + task.createdBy()
						+ " awaits approval by " + escalated.approvers() + " until " + escalated.deadline(),
				escalated.group());
	}

	private void approval(Task task, String title, String detail, ApprovalSpec.Approvers group) {
		this.notifications.record(NotificationKind.APPROVAL_REQUESTED, title, detail,
				Notifications.Subject.task(task.id().value()),
				new Audience(group.roles(), group.users(), task.createdBy()));
	}

	@EventListener
	void onInputRequested(InputRequested requested) {
		Task task = this.tasks.get(requested.question().taskId());
		this.notifications.record(NotificationKind.INPUT_REQUESTED, "Input requested: " + task.title(),
				"Agent " + requested.question().agentId() + " asks: " + requested.question().prompt(),
				Notifications.Subject.task(task.id().value()), Audience.OPERATORS);
	}

	@EventListener
	void onBudgetWarned(BudgetWarned warned) {
		this.notifications.record(NotificationKind.BUDGET_WARNING,
				"Budget " + warned.name() + " at " + Math.round(warned.percent()) + " %",
				"Budget " + warned.name() + " of " + warned.scope() + " has used " + Math.round(warned.percent())
						+ " % for " + warned.periodKey(),
				Notifications.Subject.budget(warned.budgetId()), Audience.OPERATORS);
	}

	@EventListener
	void onBudgetSpent(BudgetSpent spent) {
		this.notifications.record(NotificationKind.BUDGET_SPENT, "Budget " + spent.name() + " spent",
				"Budget " + spent.name() + " of " + spent.scope() + " is spent for " + spent.periodKey()
						+ ((spent.resetAt() != null) ? "; its new tasks wait until " + spent.resetAt() : ""),
				Notifications.Subject.budget(spent.budgetId()), Audience.OPERATORS);
	}

	@EventListener
	void onAgentQuarantined(AgentQuarantined quarantined) {
		this.notifications.record(NotificationKind.AGENT_QUARANTINED, "Agent " + quarantined.agentId() + " quarantined",
				quarantined.quarantine().reason().wireName() + ": " + quarantined.quarantine().detail()
						+ ((quarantined.quarantine().cooldownUntil() != null)
								? " (until " + quarantined.quarantine().cooldownUntil() + ")" : ""),
				Notifications.Subject.agent(quarantined.agentId().value()), Audience.OPERATORS);
	}

}
