package io.nexus.server.webhooks;

import java.util.LinkedHashMap;
import java.util.Map;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentConnected;
import io.nexus.server.agents.AgentDisconnected;
import io.nexus.server.agents.AgentQuarantined;
import io.nexus.server.tasks.TaskStatusChanged;
import io.nexus.server.usage.BudgetSpent;
import io.nexus.server.usage.BudgetWarned;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Turns the changes of other modules into webhook events. The listeners run synchronously
 * where the change is published, inside its transaction, so the outbox rows commit with
 * the change (a {@code BEFORE_COMMIT} listener would be too late to join the batch
 * written before the commit).
 */
@Component
class WebhookTriggers {

	private static final Logger logger = LoggerFactory.getLogger(WebhookTriggers.class);

	private final WebhookEvents events;

	WebhookTriggers(WebhookEvents events) {
		this.events = events;
	}

	@EventListener
	void onTaskStatusChanged(TaskStatusChanged change) {
		WebhookEventType type = switch (change.to()) {
			case COMPLETED -> WebhookEventType.TASK_COMPLETED;
			case FAILED -> WebhookEventType.TASK_FAILED;
			case CANCELLED -> WebhookEventType.TASK_CANCELLED;
			case AWAITING_APPROVAL -> WebhookEventType.TASK_AWAITING_APPROVAL;
			case INPUT_REQUIRED -> WebhookEventType.TASK_INPUT_REQUIRED;
			default -> null;
		};
		if (type == null || change.from() == change.to()) {
			return;
		}
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("task_id", change.taskId().value());
		data.put("title", change.task().title());
		data.put("category", change.task().category());
		data.put("status", change.to().wireName());
		data.put("previous_status", wireName(change.from()));
		data.put("reason", change.reason());
		data.put("agent_id", (change.previousAgent() != null) ? change.previousAgent().value() : null);
		data.put("attempts", change.task().attempts());
		data.put("actor", change.actor());
		data.put("created_by", change.task().createdBy());
		data.put("at", change.at().toString());
		publish(type, data);
	}

	@EventListener
	void onAgentConnected(AgentConnected connected) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("agent_id", connected.agentId().value());
		data.put("node_id", connected.nodeId());
		data.put("at", connected.at().toString());
		publish(WebhookEventType.AGENT_ONLINE, data);
	}

	@EventListener
	void onAgentDisconnected(AgentDisconnected disconnected) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("agent_id", disconnected.agentId().value());
		data.put("reason", disconnected.reason());
		data.put("at", disconnected.at().toString());
		publish(WebhookEventType.AGENT_OFFLINE, data);
	}

	@EventListener
	void onAgentQuarantined(AgentQuarantined quarantined) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("agent_id", quarantined.agentId().value());
		data.put("reason", quarantined.quarantine().reason().wireName());
		data.put("detail", quarantined.quarantine().detail());
		data.put("since", quarantined.quarantine().since().toString());
		data.put("cooldown_until", (quarantined.quarantine().cooldownUntil() != null)
				? quarantined.quarantine().cooldownUntil().toString() : null);
		data.put("actor", quarantined.quarantine().actor());
		publish(WebhookEventType.AGENT_QUARANTINED, data);
	}

	@EventListener
	void onBudgetWarned(BudgetWarned warned) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("budget_id", warned.budgetId());
		data.put("name", warned.name());
		data.put("scope", warned.scope());
		data.put("period", warned.periodKey());
		data.put("percent_used", Math.round(warned.percent() * 10) / 10.0);
		publish(WebhookEventType.BUDGET_WARNING, data);
	}

	@EventListener
	void onBudgetSpent(BudgetSpent spent) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("budget_id", spent.budgetId());
		data.put("name", spent.name());
		data.put("scope", spent.scope());
		data.put("period", spent.periodKey());
		data.put("reset_at", (spent.resetAt() != null) ? spent.resetAt().toString() : null);
		publish(WebhookEventType.BUDGET_SPENT, data);
	}

	private void publish(WebhookEventType type, Map<String, Object> data) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			// every change above is written in a transaction; this would be a bug
			logger.error("A {} event was published outside a transaction and has no webhook delivery", type.wireName());
			return;
		}
		this.events.publish(type, data);
	}

	private static @Nullable String wireName(@Nullable TaskStatus status) {
		return (status != null) ? status.wireName() : null;
	}

}
