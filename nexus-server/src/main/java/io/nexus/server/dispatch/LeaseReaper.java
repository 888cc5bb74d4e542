package io.nexus.server.dispatch;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import io.nexus.protocol.CloseCode;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.tasks.Lease;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskLeases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The timers of dispatch, checked every {@code reaper-interval}: silent connections are
 * closed, unaccepted assignments and timed-out tasks are taken back, and the tasks of
 * agents gone longer than the reconnect grace return to the queue. None of this is on the
 * path of a task that goes well.
 * <p>
 * Lost agents are found in the database, whichever node they were connected to: an agent
 * is offline from the moment its connection closed, its node stopped cleanly, or its node
 * was declared dead (then from the node's last heartbeat; see {@code NodeMembership}).
 * Revoking a lease locks the task row and checks its epoch, so when several nodes reap
 * the same agent, each lease ends once.
 */
@Component
class LeaseReaper {

	private static final Logger logger = LoggerFactory.getLogger(LeaseReaper.class);

	private final AgentConnections connections;

	private final TaskLeases leases;

	private final AgentRegistry registry;

	private final DispatchProperties properties;

	private final Clock clock;

	private final AgentSignals signals;

	private volatile Instant lastPing = Instant.EPOCH;

	LeaseReaper(AgentConnections connections, TaskLeases leases, AgentRegistry registry, DispatchProperties properties,
			Clock clock, AgentSignals signals) {
		this.connections = connections;
		this.leases = leases;
		this.registry = registry;
		this.properties = properties;
		this.clock = clock;
		this.signals = signals;
	}

	@Scheduled(fixedDelayString = "${nexus.dispatch.reaper-interval:1s}")
	void reap() {
		Instant now = this.clock.instant();
		try {
			checkConnections(now);
			takeBackUnaccepted(now);
			takeBackTimedOut();
			takeBackFromLostAgents(now);
		}
		catch (RuntimeException ex) {
			logger.warn("Lease reaper round failed; it runs again shortly", ex);
		}
	}

	private void checkConnections(Instant now) {
		boolean pingDue = !now.isBefore(this.lastPing.plus(this.properties.heartbeatInterval()));
		Instant silentSince = now.minus(this.properties.heartbeatTimeout());
		for (ConnectedAgent agent : this.connections.all()) {
			if (agent.lastSeen().isBefore(silentSince)) {
				agent.channel()
					.close(CloseCode.HEARTBEAT_TIMEOUT.code(), CloseCode.HEARTBEAT_TIMEOUT.reason() + " for "
							+ this.properties.heartbeatTimeout().toSeconds() + "s");
			}
			else if (pingDue) {
				agent.channel().ping();
			}
		}
		if (pingDue) {
			this.lastPing = now;
		}
	}

	private void takeBackUnaccepted(Instant now) {
		Instant sentBefore = now.minus(this.properties.ackTimeout());
		for (ConnectedAgent agent : this.connections.all()) {
			for (Map.Entry<TaskId, Instant> unaccepted : agent.unacceptedSince(sentBefore)) {
				takeBackUnaccepted(agent, unaccepted.getKey(), unaccepted.getValue());
			}
		}
	}

	/**
	 * Takes an assignment back from its agent if the agent has not accepted it since
	 * {@code sentAt}; the {@link AckTimer} calls this when the ack timeout ends, and
	 * every round checks again for assignments whose timer did not fire (a node under a
	 * clock of its own in tests, a timer thread that fell behind).
	 * @param agent the agent it was sent to
	 * @param taskId the task
	 * @param sentAt when it was sent
	 */
	void takeBackUnaccepted(ConnectedAgent agent, TaskId taskId, Instant sentAt) {
		if (!agent.stopAcceptClock(taskId, sentAt)) {
			return;
		}
		try {
			Task task = this.leases.find(taskId)
				.filter((found) -> found.status() == TaskStatus.ASSIGNED && agent.id().equals(found.assignedAgent()))
				.orElse(null);
			if (task != null && this.leases.revoke(task.lease(),
					"not accepted within " + this.properties.ackTimeout().toSeconds() + "s")) {
				this.signals.emit(agent.id(), AgentSignal.NOT_ACCEPTED, taskId);
			}
		}
		catch (RuntimeException ex) {
			// the next round tries again: the task is still assigned and past its time
			agent.awaitAccept(taskId, sentAt);
			throw ex;
		}
	}

	private void takeBackTimedOut() {
		for (Task task : this.leases.pastDeadline(100)) {
			if (this.leases.revoke(task.lease(), TaskLeases.TIMED_OUT_REASON + task.timeoutSeconds() + "s")
					&& task.assignedAgent() != null) {
				this.signals.emit(task.assignedAgent(), AgentSignal.TIMED_OUT, task.id());
			}
		}
	}

	/**
	 * A task waiting for a person keeps its lease however long its agent is away; one
	 * that changed while its agent was away (a person answered its question) gets a full
	 * grace period from that change, so that the agent can come back for the answer.
	 */
	private void takeBackFromLostAgents(Instant now) {
		Instant graceStart = now.minus(this.properties.reconnectGrace());
		for (AgentId agentId : this.registry.offlineSince(graceStart)) {
			if (this.connections.isConnected(agentId)) {
				continue;
			}
			for (Task task : this.leases.heldBy(agentId)) {
				if (task.reservedFor() == null && task.status() != TaskStatus.INPUT_REQUIRED
						&& !task.updatedAt().isAfter(graceStart)) {
					Lease lease = task.lease();
					this.leases.revoke(lease, "agent lost: disconnected for more than "
							+ this.properties.reconnectGrace().toSeconds() + "s");
				}
			}
		}
	}

}
