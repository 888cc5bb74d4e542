package io.nexus.server.dispatch;

import java.util.Objects;
import java.util.function.Supplier;

import io.nexus.protocol.AgentStatus;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentChanged;
import io.nexus.server.agents.AgentCredentialsRevoked;
import io.nexus.server.agents.AgentDeleted;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.tasks.TaskLeases;
import io.nexus.server.tasks.TaskStatusChanged;
import io.nexus.server.tasks.UnreadableTask;
import io.nexus.server.tasks.UnreadableValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns committed changes into dispatch work: wake-ups, slots freed, cancellations and
 * manual assignments sent to agents, drains completed.
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

	private final AgentSessions sessions;

	private final Dispatcher dispatcher;

	private final Delivery delivery;

	private final TaskLeases leases;

	private final AgentRegistry registry;

	private final PoisonTasks poison;

	private final TransactionTemplate ownTransaction;

	DispatchEvents(AgentConnections connections, AgentSessions sessions, Dispatcher dispatcher, Delivery delivery,
			TaskLeases leases, AgentRegistry registry, PoisonTasks poison, PlatformTransactionManager transactions) {
		this.poison = poison;
		this.ownTransaction = new TransactionTemplate(transactions);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.connections = connections;
		this.sessions = sessions;
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
			this.connections.get(event.previousAgent()).ifPresent((agent) -> {
				agent.accepted(event.taskId());
				agent.releaseSlot();
				pauseIfDrained(agent);
			});
			if (!event.byPreviousAgent()) {
				this.sessions.cancelOnAgent(event.previousAgent(), event.taskId().value(), event.previousEpoch(),
						(event.reason() != null) ? event.reason() : event.to().wireName());
			}
			this.dispatcher.wake();
		}
		if (event.to() == TaskStatus.ASSIGNED && !event.byDispatcher() && event.agent() != null) {
			this.connections.get(event.agent())
				.ifPresent((agent) -> inOwnTransaction(() -> this.leases.find(event.taskId())).ifPresent((task) -> {
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
							poisonInOwnTransaction(
									() -> this.poison.unreadable(new UnreadableTask(task.id(), UnreadableValue.PAYLOAD,
											"encrypted value failed its integrity check"), task.lease()));
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
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onAgentChanged(AgentChanged event) {
		this.connections.get(event.agent().id()).ifPresent((agent) -> {
			agent.refresh(event.agent());
			pauseIfDrained(agent);
		});
		this.dispatcher.wake();
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
	void onAgentCredentialsRevoked(AgentCredentialsRevoked event) {
		this.connections.get(event.agentId()).ifPresent((agent) -> agent.channel().close(4403, "agent token revoked"));
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onAgentDeleted(AgentDeleted event) {
		this.connections.get(event.agentId())
			.ifPresent((agent) -> agent.channel().close(4403, "agent deleted by " + event.actor()));
	}

}
