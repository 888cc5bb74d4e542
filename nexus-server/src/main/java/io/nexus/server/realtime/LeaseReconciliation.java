package io.nexus.server.realtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.nexus.protocol.TaskStatus;
import io.nexus.protocol.frames.AgentRegister;
import io.nexus.protocol.frames.TaskLease;
import io.nexus.server.agents.Agent;
import io.nexus.server.dispatch.ConnectedAgent;
import io.nexus.server.dispatch.Delivery;
import io.nexus.server.dispatch.PoisonTasks;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskLeases;
import io.nexus.server.tasks.UnreadableTask;
import io.nexus.server.tasks.UnreadableValue;

import org.springframework.stereotype.Component;

/**
 * When an agent registers, the tasks it says it runs are reconciled with those Nexus
 * thinks it holds: a lease it still runs under the same epoch is resumed, an assignment
 * it never accepted is sent again, and anything else is taken back.
 */
@Component
class LeaseReconciliation {

	private final TaskLeases leases;

	private final Delivery delivery;

	private final PoisonTasks poison;

	LeaseReconciliation(TaskLeases leases, Delivery delivery, PoisonTasks poison) {
		this.leases = leases;
		this.delivery = delivery;
		this.poison = poison;
	}

	/**
	 * Reconciles the agent's tasks.
	 * @param agent the agent
	 * @param frame its {@code agent_register} frame, with the tasks it runs
	 * @return the leases it resumes and the assignments to send again
	 */
	Outcome reconcile(Agent agent, AgentRegister frame) {
		Map<String, Long> running = new HashMap<>();
		if (frame.runningTasks() != null) {
			frame.runningTasks().forEach((lease) -> running.put(lease.taskId(), lease.leaseEpoch()));
		}
		List<TaskLease> resumed = new ArrayList<>();
		List<Task> toResend = new ArrayList<>();
		int held = 0;
		for (Task task : this.leases.heldBy(agent.id())) {
			Long epoch = running.remove(task.id().value());
			UnreadableValue payload = task.unreadablePayload();
			if (payload != null && !payload.keyMissing()) {
				// damaged at rest: it is never sent or resumed again, and it fails on its
				// own; the agent connects (it stops the task: not in resumed_tasks)
				this.poison.unreadable(new UnreadableTask(task.id(), UnreadableValue.PAYLOAD,
						"encrypted value failed its integrity check"), task.lease());
			}
			else if (epoch != null && epoch == task.leaseEpoch()) {
				if (task.status() == TaskStatus.ASSIGNED) {
					this.leases.accept(task.lease());
				}
				resumed.add(new TaskLease(task.id().value(), task.leaseEpoch()));
				held++;
			}
			else if (task.status() == TaskStatus.ASSIGNED && payload != null) {
				// its key is missing: it cannot be sent again, so it goes back to the
				// queue,
				// where it waits for the key
				this.leases.release(task.lease(), "returned to the queue: its payload cannot be read ("
						+ payload.reason() + "); it waits for the key");
			}
			else if (task.status() == TaskStatus.ASSIGNED) {
				toResend.add(task);
				held++;
			}
			else {
				this.leases.revoke(task.lease(), "agent reconnected without the task");
			}
		}
		return new Outcome(resumed, toResend, held);
	}

	/**
	 * Sends again the assignments the agent had not accepted; one that cannot be sent
	 * fails on its own, and the agent stays connected.
	 * @param agent the agent, now connected
	 * @param toResend the assignments
	 */
	void resend(ConnectedAgent agent, List<Task> toResend) {
		for (Task task : toResend) {
			this.leases.delivered(task.id());
			try {
				this.delivery.deliver(agent, task);
			}
			catch (RuntimeException ex) {
				this.poison.undeliverable(task.id(), task.lease(), ex);
			}
		}
	}

	/**
	 * What reconciliation found.
	 *
	 * @param resumed the leases the agent keeps, for {@code registered.resumed_tasks}
	 * @param toResend assignments it never accepted, to send again once it is connected
	 * @param held how many tasks it holds
	 */
	record Outcome(List<TaskLease> resumed, List<Task> toResend, int held) {

	}

}
