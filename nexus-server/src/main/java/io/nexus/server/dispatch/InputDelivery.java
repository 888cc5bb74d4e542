package io.nexus.server.dispatch;

import java.util.Map;

import io.nexus.protocol.frames.InputResponse;
import io.nexus.server.agents.AgentId;
import io.nexus.server.tasks.InputAnswered;
import io.nexus.server.tasks.InputQuestion;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskInputs;
import io.nexus.server.tasks.TaskLeases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Sends a person's answer ({@code input_response}) to the agent that holds the task's
 * lease: at once if it is connected here, through the node it is connected to otherwise
 * (a {@link ClusterEvent} that names the task; that node reads the answer from the
 * database). An answer that reaches no agent stays pending and goes to the agent that
 * next holds the lease when it resumes the lease on reconnecting ({@link #resumed});
 * after a re-dispatch the new holder gets the answer right after its
 * {@code task_assigned} under the new lease, whether or not an earlier holder got it
 * ({@link #assigned}).
 */
@Component
public class InputDelivery {

	private static final Logger logger = LoggerFactory.getLogger(InputDelivery.class);

	private final AgentConnections connections;

	private final TaskInputs inputs;

	private final TaskLeases leases;

	private final ObjectProvider<ClusterEvents> cluster;

	/**
	 * The cluster events come from a provider: they wake the dispatcher, whose deliveries
	 * come here.
	 */
	InputDelivery(AgentConnections connections, TaskInputs inputs, TaskLeases leases,
			ObjectProvider<ClusterEvents> cluster) {
		this.connections = connections;
		this.inputs = inputs;
		this.leases = leases;
		this.cluster = cluster;
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onInputAnswered(InputAnswered event) {
		AgentId agentId = event.agentId();
		ConnectedAgent agent = this.connections.get(agentId).orElse(null);
		if (agent != null) {
			send(agent, event.question(), event.leaseEpoch());
		}
		else if (this.cluster.getObject().enabled()) {
			this.cluster.getObject()
				.publish(ClusterEvent.INPUT_ANSWERED,
						Map.of("agent_id", agentId.value(), "task_id", event.question().taskId().value()));
		}
	}

	@EventListener
	void onClusterEvent(ClusterEvent event) {
		if (!ClusterEvent.INPUT_ANSWERED.equals(event.kind())) {
			return;
		}
		String agentId = event.field("agent_id");
		String taskId = event.field("task_id");
		if (agentId == null || taskId == null) {
			return;
		}
		this.connections.get(new AgentId(agentId)).ifPresent((agent) -> {
			Task task = this.leases.find(new TaskId(taskId)).orElse(null);
			if (task != null && agent.id().equals(task.assignedAgent())) {
				this.inputs.pendingAnswer(task.id()).ifPresent((question) -> send(agent, question, task.leaseEpoch()));
			}
		});
	}

	/**
	 * Sends the pending answer of a task whose lease an agent resumed on reconnecting.
	 * @param agent the agent, connected
	 * @param taskId the task it resumed
	 * @param leaseEpoch the lease
	 */
	public void resumed(ConnectedAgent agent, TaskId taskId, long leaseEpoch) {
		this.inputs.pendingAnswer(taskId).ifPresent((question) -> send(agent, question, leaseEpoch));
	}

	/**
	 * Sends, right after {@code task_assigned}, the answer given to a question of the
	 * task's previous attempt: the new holder of the lease never received it (what the
	 * previous one received went away with it). Only a retried task can have one, so
	 * first attempts cost nothing here.
	 * @param agent the agent
	 * @param task the task, as assigned
	 */
	void assigned(ConnectedAgent agent, Task task) {
		if (task.attempts() > 1) {
			this.inputs.answerForNewLease(task.id(), task.leaseEpoch())
				.ifPresent((question) -> send(agent, question, task.leaseEpoch()));
		}
	}

	private void send(ConnectedAgent agent, InputQuestion question, long leaseEpoch) {
		try {
			agent.channel()
				.send(new InputResponse(question.taskId().value(), leaseEpoch, question.requestId(),
						this.inputs.answerValue(question)));
			this.inputs.delivered(question);
		}
		catch (RuntimeException ex) {
			// the answer stays pending for the next holder of the lease
			logger.warn("Could not send the answer to task {} to agent {}", question.taskId(), agent.id(), ex);
		}
	}

}
