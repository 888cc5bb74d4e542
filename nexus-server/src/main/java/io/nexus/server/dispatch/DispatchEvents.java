package io.nexus.server.dispatch;

import io.nexus.protocol.AgentStatus;
import io.nexus.protocol.CloseCode;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentChanged;
import io.nexus.server.agents.AgentCredentialsRevoked;
import io.nexus.server.agents.AgentDeleted;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.tasks.TaskLeases;
import io.nexus.server.tasks.TaskStatusChanged;
import io.nexus.server.tasks.UnreadableTask;
import io.nexus.server.tasks.UnreadableValue;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Turns committed changes into dispatch work: wake-ups, slots freed, cancellations and
 * manual assignments sent to agents, drains completed.
 */
@Component
class DispatchEvents {

	private final AgentConnections connections;

	private final AgentSessions sessions;

	private final Dispatcher dispatcher;

	private final Delivery delivery;

	private final TaskLeases leases;

	private final AgentRegistry registry;

	private final PoisonTasks poison;

	DispatchEvents(AgentConnections connections, AgentSessions sessions, Dispatcher dispatcher, Delivery delivery,
			TaskLeases leases, AgentRegistry registry, PoisonTasks poison) {
		this.poison = poison;
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
				if (agent.agent().status() == AgentStatus.DRAINING && agent.held() == 0) {
					this.registry.setStatus(agent.id(), AgentStatus.PAUSED);
				}
			});
			if (!event.byPreviousAgent()) {
				this.sessions.cancelOnAgent(event.previousAgent(), event.taskId().value(), event.previousEpoch(),
						(event.reason() != null) ? event.reason() : event.to().wireName());
			}
			this.dispatcher.wake();
		}
		if (event.to() == TaskStatus.ASSIGNED && !event.byDispatcher() && event.agent() != null) {
			this.connections.get(event.agent())
				.ifPresent((agent) -> this.leases.find(event.taskId()).ifPresent((task) -> {
					agent.addHeld();
					UnreadableValue payload = task.unreadablePayload();
					if (payload != null) {
						// read after the assignment: never sent as if it had no payload
						if (payload.keyMissing()) {
							this.leases.release(task.lease(), "returned to the queue: its payload cannot be read ("
									+ payload.reason() + "); it waits for the key");
						}
						else {
							this.poison.unreadable(new UnreadableTask(task.id(), UnreadableValue.PAYLOAD,
									"encrypted value failed its integrity check"), task.lease());
						}
						return;
					}
					try {
						this.delivery.deliver(agent, task);
					}
					catch (RuntimeException ex) {
						this.poison.undeliverable(task.id(), task.lease(), ex);
					}
				}));
		}
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onAgentChanged(AgentChanged event) {
		this.connections.get(event.agent().id()).ifPresent((agent) -> {
			agent.refresh(event.agent());
			if (event.agent().status() == AgentStatus.DRAINING && agent.held() == 0) {
				this.registry.setStatus(agent.id(), AgentStatus.PAUSED);
			}
		});
		this.dispatcher.wake();
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onAgentCredentialsRevoked(AgentCredentialsRevoked event) {
		this.connections.get(event.agentId())
			.ifPresent((agent) -> agent.channel().close(CloseCode.AGENT_REMOVED.code(), "agent token revoked"));
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onAgentDeleted(AgentDeleted event) {
		this.connections.get(event.agentId())
			.ifPresent((agent) -> agent.channel()
				.close(CloseCode.AGENT_REMOVED.code(), CloseCode.AGENT_REMOVED.reason() + " by " + event.actor()));
	}

}
