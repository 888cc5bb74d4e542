package io.nexus.server.dispatch;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import io.nexus.protocol.AgentStatus;
import io.nexus.protocol.CloseCode;
import io.nexus.protocol.TaskStatus;
import io.nexus.protocol.frames.TaskCancel;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentChanged;
import io.nexus.server.agents.AgentCredentialsRevoked;
import io.nexus.server.agents.AgentDeleted;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskLeases;
import io.nexus.server.tasks.TaskStatusChanged;
import io.nexus.server.tasks.UnreadableTask;
import io.nexus.server.tasks.UnreadableValue;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns committed changes into dispatch work: wake-ups, slots freed, cancellations and
 * manual assignments sent to agents, drains completed. What concerns an agent connected
 * to another node is sent there as a {@link ClusterEvent} and applied by that node.
 * <p>
 * These listeners run after the commit, while the committed transaction is still bound to
 * the thread: a write that merely joined it would run outside any transaction Spring
 * commits. So every write here (a drained agent paused, a task returned to the queue or
 * failed as poison) runs in a transaction of its own ({@code REQUIRES_NEW}), committed
 * before the listener goes on; frames are sent outside it.
 */
@Component
class DispatchEvents {

	private static final Logger logger = LoggerFactory.getLogger(DispatchEvents.class);

	private final AgentConnections connections;

	private final Dispatcher dispatcher;

	private final Delivery delivery;

	private final TaskLeases leases;

	private final AgentRegistry registry;

	private final PoisonTasks poison;

	private final ClusterEvents cluster;

	private final TransactionTemplate ownTransaction;

	DispatchEvents(AgentConnections connections, Dispatcher dispatcher, Delivery delivery, TaskLeases leases,
			AgentRegistry registry, PoisonTasks poison, ClusterEvents cluster,
			PlatformTransactionManager transactions) {
		this.cluster = cluster;
		this.ownTransaction = new TransactionTemplate(transactions);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.poison = poison;
		this.connections = connections;
		this.dispatcher = dispatcher;
		this.delivery = delivery;
		this.leases = leases;
		this.registry = registry;
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onTaskStatusChanged(TaskStatusChanged event) {
		if (event.to() == TaskStatus.QUEUED) {
			this.dispatcher.wake();
		}
		if (event.endsLease()) {
			boolean cancel = !event.byPreviousAgent();
			String reason = (event.reason() != null) ? event.reason() : event.to().wireName();
			if (this.connections.isConnected(event.previousAgent())) {
				leaseEnded(event.previousAgent(), event.taskId(), event.previousEpoch(), cancel, reason);
			}
			else if (this.cluster.enabled()) {
				// the agent may hold its connection on another node: that node frees its
				// slot and tells it to stop
				this.cluster.publish(ClusterEvent.LEASE_ENDED,
						Map.of("agent_id", event.previousAgent().value(), "task_id", event.taskId().value(), "epoch",
								Long.toString(event.previousEpoch()), "cancel", Boolean.toString(cancel), "reason",
								reason));
			}
			this.dispatcher.wake();
		}
		if (event.to() == TaskStatus.ASSIGNED && !event.byDispatcher() && event.agent() != null) {
			if (this.connections.isConnected(event.agent())) {
				assignedByHand(event.agent(), event.taskId());
			}
			else if (this.cluster.enabled()) {
				this.cluster.publish(ClusterEvent.ASSIGNED,
						Map.of("agent_id", event.agent().value(), "task_id", event.taskId().value()));
			}
		}
	}

	private void leaseEnded(AgentId agentId, TaskId taskId, long epoch, boolean cancel, String reason) {
		this.connections.get(agentId).ifPresent((agent) -> {
			agent.accepted(taskId);
			agent.releaseSlot();
			pauseIfDrained(agent);
		});
		if (cancel) {
			this.connections.get(agentId)
				.ifPresent((agent) -> agent.channel().send(new TaskCancel(taskId.value(), epoch, reason)));
		}
	}

	private void assignedByHand(AgentId agentId, TaskId taskId) {
		this.connections.get(agentId)
			.ifPresent((agent) -> inOwnTransaction(() -> this.leases.find(taskId)).ifPresent((task) -> {
				agent.addHeld();
				UnreadableValue payload = task.unreadablePayload();
				if (payload != null) {
					// read after the assignment: never sent as if it had no payload
					if (payload.keyMissing()) {
						inOwnTransaction(() -> this.leases.release(task.lease(),
								"returned to the queue: its payload cannot be read (" + payload.reason()
										+ "); it waits for the key"));
					}
					else {
						poisonInOwnTransaction(() -> this.poison.unreadable(new UnreadableTask(task.id(),
								UnreadableValue.PAYLOAD, "encrypted value failed its integrity check"), task.lease()));
					}
					return;
				}
				try {
					this.delivery.deliver(agent, task);
				}
				catch (RuntimeException ex) {
					poisonInOwnTransaction(() -> this.poison.undeliverable(task.id(), task.lease(), ex));
				}
			}));
	}

	private void pauseIfDrained(ConnectedAgent agent) {
		if (agent.agent().status() == AgentStatus.DRAINING && agent.held() == 0) {
			inOwnTransaction(() -> this.registry.setStatus(agent.id(), AgentStatus.PAUSED));
		}
	}

	/**
	 * Fails a task as poison; like {@link PoisonTasks}, never throws: if failing it
	 * failed, PoisonTasks has logged why and its transaction rolls back.
	 */
	private void poisonInOwnTransaction(Supplier<Boolean> poisoning) {
		try {
			inOwnTransaction(poisoning);
		}
		catch (TransactionException ex) {
			logger.debug("Poisoning a task rolled back", ex);
		}
	}

	private <T> T inOwnTransaction(Supplier<T> write) {
		return Objects.requireNonNull(this.ownTransaction.execute((status) -> write.get()));
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onAgentChanged(AgentChanged event) {
		if (!refreshed(event.agent()) && this.cluster.enabled()) {
			this.cluster.publish(ClusterEvent.AGENT_CHANGED, Map.of("agent_id", event.agent().id().value()));
		}
		this.dispatcher.wake();
	}

	private boolean refreshed(Agent updated) {
		ConnectedAgent agent = this.connections.get(updated.id()).orElse(null);
		if (agent == null) {
			return false;
		}
		agent.refresh(updated);
		pauseIfDrained(agent);
		return true;
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onAgentCredentialsRevoked(AgentCredentialsRevoked event) {
		close(event.agentId(), "agent token revoked");
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onAgentDeleted(AgentDeleted event) {
		close(event.agentId(), "agent deleted by " + event.actor());
	}

	private void close(AgentId agentId, String reason) {
		ConnectedAgent agent = this.connections.get(agentId).orElse(null);
		if (agent != null) {
			agent.channel().close(CloseCode.AGENT_REMOVED.code(), reason);
		}
		else if (this.cluster.enabled()) {
			this.cluster.publish(ClusterEvent.AGENT_CLOSED, Map.of("agent_id", agentId.value(), "reason", reason));
		}
	}

	/**
	 * Applies an event another node sent about an agent connected here.
	 * @param event the event
	 */
	@EventListener
	void onClusterEvent(ClusterEvent event) {
		String agent = event.field("agent_id");
		if (agent == null || !this.connections.isConnected(new AgentId(agent))) {
			return;
		}
		AgentId agentId = new AgentId(agent);
		String task = event.field("task_id");
		switch (event.kind()) {
			case ClusterEvent.LEASE_ENDED -> {
				if (task != null) {
					leaseEnded(agentId, new TaskId(task), parseLong(event.field("epoch")),
							Boolean.parseBoolean(event.field("cancel")), String.valueOf(event.field("reason")));
					this.dispatcher.wake();
				}
			}
			case ClusterEvent.ASSIGNED -> {
				if (task != null) {
					assignedByHand(agentId, new TaskId(task));
				}
			}
			case ClusterEvent.AGENT_CHANGED -> {
				this.registry.find(agentId).ifPresent(this::refreshed);
				this.dispatcher.wake();
			}
			case ClusterEvent.AGENT_CLOSED -> close(agentId, String.valueOf(event.field("reason")));
			default -> {
				// another kind, for another listener
			}
		}
	}

	private static long parseLong(@Nullable String value) {
		try {
			return (value != null) ? Long.parseLong(value) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
