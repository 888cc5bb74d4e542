package io.nexus.server.governance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.cel.runtime.CelEvaluationException;
import io.nexus.server.dispatch.Contender;
import io.nexus.server.dispatch.EligibilityRule;
import io.nexus.server.dispatch.Refusal;
import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The placement policies: a task that an enabled deny policy matches runs nowhere, and
 * one that a require policy matches runs only on agents that satisfy it. Binding: an
 * operator's forced assignment does not override an admin's policy. A condition that
 * fails to evaluate denies the pair (fail closed).
 * <p>
 * Fast on the dispatch path: conditions are compiled when saved, and the {@code match}
 * results of the task a thread is looking at are kept while it goes through the agents
 * (dispatch asks task by task), so that a pair costs only the {@code require} conditions
 * of the policies that match its task.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class PlacementPolicyRule implements EligibilityRule {

	private static final byte UNKNOWN = 0;

	private static final byte MATCHED = 1;

	private static final byte NOT_MATCHED = 2;

	private static final byte FAILED = 3;

	private final ActivePolicies policies;

	private final ThreadLocal<TaskMatches> lastTask = ThreadLocal.withInitial(TaskMatches::new);

	PlacementPolicyRule(ActivePolicies policies) {
		this.policies = policies;
	}

	@Override
	public boolean admits(Task task, Contender agent) {
		return deciding(task, agent) == null;
	}

	@Override
	public boolean binding() {
		return true;
	}

	@Override
	public String explain(Task task) {
		List<CompiledPolicy> enabled = this.policies.enabled();
		if (enabled.isEmpty()) {
			return "";
		}
		TaskMatches matches = this.lastTask.get();
		matches.lookAt(task, enabled);
		List<String> applied = new ArrayList<>();
		for (int i = 0; i < enabled.size(); i++) {
			if (matches.match(i, enabled.get(i), this.policies) == MATCHED) {
				applied.add(enabled.get(i).policy().ref());
			}
		}
		return applied.isEmpty() ? "" : "placement policies applied: " + String.join(", ", applied);
	}

	@Override
	public Refusal refusal(Task task, Contender agent) {
		CompiledPolicy policy = deciding(task, agent);
		String id = agent.agent().id().value();
		if (policy == null) {
			return new Refusal("policy_denied", "no placement policy refuses agent '" + id + "' now",
					Map.of("agent_id", id));
		}
		return new Refusal("policy_denied",
				"placement policy " + describe(policy) + " "
						+ (policy.deny() ? "denies the task" : "does not admit agent '" + id + "'"),
				Map.of("agent_id", id, "policy_id", policy.policy().id(), "policy_version", policy.policy().version()));
	}

	@Override
	public String noneAdmits(Task task, List<? extends Contender> considered) {
		Set<String> deciders = new LinkedHashSet<>();
		boolean denied = false;
		for (Contender agent : considered) {
			CompiledPolicy policy = deciding(task, agent);
			if (policy != null) {
				deciders.add(describe(policy));
				denied |= policy.deny();
			}
			if (deciders.size() == 3) {
				break;
			}
		}
		if (deciders.isEmpty()) {
			return "placement policies changed; dispatch will look again";
		}
		return denied && deciders.size() == 1 ? "denied by placement policy " + deciders.iterator().next()
				: "no connected agent satisfies placement policy " + String.join(", ", deciders);
	}

	static String describe(CompiledPolicy policy) {
		return "'" + policy.policy().definition().name() + "' (" + policy.policy().ref() + ")";
	}

	/**
	 * The first enabled policy that refuses the pair.
	 * @param task the task
	 * @param agent the agent
	 * @return that policy, or {@code null} if every policy lets the agent take the task
	 */
	@Nullable CompiledPolicy deciding(Task task, Contender agent) {
		List<CompiledPolicy> enabled = this.policies.enabled();
		if (enabled.isEmpty()) {
			return null;
		}
		TaskMatches matches = this.lastTask.get();
		matches.lookAt(task, enabled);
		for (int i = 0; i < enabled.size(); i++) {
			CompiledPolicy policy = enabled.get(i);
			byte match = matches.match(i, policy, this.policies);
			if (match == NOT_MATCHED) {
				continue;
			}
			if (match == FAILED || policy.deny()) {
				return policy;
			}
			try {
				if (!policy.admits(matches.variables, agent.agent())) {
					return policy;
				}
			}
			catch (CelEvaluationException ex) {
				this.policies.failed(policy, ex);
				return policy;
			}
		}
		return null;
	}

	/**
	 * The task one thread looks at, its variables and which policies match it, evaluated
	 * on first need. Kept while the same task (the same object) and the same policies are
	 * asked about.
	 */
	private static final class TaskMatches {

		private @Nullable Task task;

		private List<CompiledPolicy> policies = List.of();

		private Map<String, Object> variables = Map.of();

		private byte[] matches = new byte[0];

		void lookAt(Task task, List<CompiledPolicy> policies) {
			if (this.task == task && this.policies == policies) {
				return;
			}
			this.task = task;
			this.policies = policies;
			this.variables = PolicyVariables.of(task);
			if (this.matches.length < policies.size()) {
				this.matches = new byte[policies.size()];
			}
			else {
				Arrays.fill(this.matches, UNKNOWN);
			}
		}

		byte match(int index, CompiledPolicy policy, ActivePolicies board) {
			byte known = this.matches[index];
			if (known != UNKNOWN) {
				return known;
			}
			byte match;
			try {
				match = policy.matches(this.variables) ? MATCHED : NOT_MATCHED;
			}
			catch (CelEvaluationException ex) {
				board.failed(policy, ex);
				match = FAILED;
			}
			this.matches[index] = match;
			return match;
		}

	}

}
