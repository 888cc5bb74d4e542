package io.nexus.server.governance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.governance.ApprovalEvent.ApprovalRequested;
import io.nexus.server.governance.persistence.ApprovalRepository;
import io.nexus.server.tasks.ApprovalGate;
import io.nexus.server.tasks.ApprovalSpec;
import io.nexus.server.tasks.NewTask;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskStatusChanged;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Decides which new tasks need approval and stores what they need, with the task: the
 * first enabled {@code require_approval} placement policy whose {@code match} holds (a
 * condition that fails to evaluate requires approval too: fail closed), else the task's
 * own {@code approval} field; a retry inherits the requirement of the task it retries, so
 * that a rejected task cannot run by being retried.
 */
@Component
class ApprovalRequirements implements ApprovalGate {

	private final ApprovalRepository approvals;

	private final ActivePolicies policies;

	private final ApprovalProperties properties;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	/** Who grants more to a task without approvers of its own. */
	private static final ApprovalSpec BUDGET_APPROVERS = new ApprovalSpec(
			new ApprovalSpec.Approvers(List.of("operator", "admin"), List.of()), 1, null, ApprovalSpec.OnTimeout.REJECT,
			null);

	ApprovalRequirements(ApprovalRepository approvals, ActivePolicies policies, ApprovalProperties properties,
			ApplicationEventPublisher events, Clock clock) {
		this.approvals = approvals;
		this.policies = policies;
		this.properties = properties;
		this.events = events;
		this.clock = clock;
	}

	@Override
	public @Nullable Requirement requirementOf(NewTask request, String actor, @Nullable TaskId retryOf) {
		if (retryOf != null) {
			TaskApproval earlier = this.approvals.findRequirement(retryOf).orElse(null);
			if (earlier != null) {
				return new Requirement(earlier.spec(), earlier.policyId(), earlier.policyVersion());
			}
		}
		Requirement byPolicy = byPolicy(request, actor);
		if (byPolicy != null) {
			return byPolicy;
		}
		return (request.approval() != null) ? new Requirement(request.approval(), null, 0) : null;
	}

	private @Nullable Requirement byPolicy(NewTask request, String actor) {
		return this.policies
			.firstMatching(this.policies.approvals(), (policy) -> policy.policy().definition().approval() != null,
					request, actor)
			.map((policy) -> new Requirement(policy.policy().definition().approval(), policy.policy().id(),
					policy.policy().version()))
			.orElse(null);
	}

	@Override
	public void recordAll(List<Task> tasks, List<Requirement> requirements) {
		Instant now = this.clock.instant();
		for (int i = 0; i < tasks.size(); i++) {
			Task task = tasks.get(i);
			Requirement requirement = requirements.get(i);
			boolean open = task.status() == TaskStatus.AWAITING_APPROVAL;
			this.approvals.insert(new TaskApproval(task.id(), task.createdBy(), requirement.policyId(),
					requirement.policyVersion(), requirement.spec(),
					open ? TaskApproval.State.OPEN : TaskApproval.State.WAITING, 1, open ? now : null,
					open ? now.plus(timeout(requirement.spec().timeoutSeconds())) : null, null, List.of()));
			if (open) {
				requested(task.id(), task.createdBy(), requirement.spec(), requirement.policyId(),
						requirement.policyVersion(), now);
			}
		}
	}

	@Override
	public boolean openIfRequired(Task task) {
		TaskApproval approval = this.approvals.findRequirement(task.id()).orElse(null);
		if (approval == null || approval.state() != TaskApproval.State.WAITING) {
			return false;
		}
		Instant now = this.clock.instant();
		if (!this.approvals.open(task.id(), now, now.plus(timeout(approval.spec().timeoutSeconds())))) {
			return false;
		}
		requested(task.id(), "system", approval.spec(), approval.policyId(), approval.policyVersion(), now);
		return true;
	}

	@Override
	public void openForBudget(Task task) {
		TaskApproval earlier = this.approvals.findRequirement(task.id()).orElse(null);
		ApprovalSpec spec = (earlier != null) ? earlier.spec() : BUDGET_APPROVERS;
		Instant now = this.clock.instant();
		this.approvals.delete(task.id());
		this.approvals.insert(new TaskApproval(task.id(), task.createdBy(), null, 0, spec, TaskApproval.State.OPEN, 1,
				now, now.plus(timeout(spec.timeoutSeconds())), null, List.of()));
		requested(task.id(), "system", spec, null, 0, now);
	}

	/**
	 * Closes the approval of a task that ended while it waited for its dependencies or
	 * awaited approval (cancelled by hand, a failed dependency), in the same transaction;
	 * an approval that was decided or expired is closed already and stays as it is.
	 * @param event the change
	 */
	@EventListener
	void onTaskStatusChanged(TaskStatusChanged event) {
		if (event.to().isTerminal()
				&& (event.from() == TaskStatus.AWAITING_APPROVAL || event.from() == TaskStatus.PENDING)) {
			this.approvals.close(event.taskId(), TaskApproval.State.CLOSED, event.at());
		}
	}

	/**
	 * How long approvers have.
	 * @param seconds the time the task or policy gives, or {@code null}
	 * @return that, or the configured default
	 */
	Duration timeout(@Nullable Integer seconds) {
		return (seconds != null) ? Duration.ofSeconds(seconds) : this.properties.defaultTimeout();
	}

	private void requested(TaskId taskId, String actor, ApprovalSpec spec, @Nullable String policyId,
			long policyVersion, Instant now) {
		this.events.publishEvent(new ApprovalRequested(taskId, actor, spec.approvers().describe(),
				(policyId != null) ? policyId + "@" + policyVersion : "", now, spec.approvers()));
	}

}
