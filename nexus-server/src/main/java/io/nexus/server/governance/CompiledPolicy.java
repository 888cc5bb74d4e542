package io.nexus.server.governance;

import java.util.Map;

import dev.cel.runtime.CelEvaluationException;
import io.nexus.server.agents.Agent;

/**
 * A policy version with its programs, ready to evaluate. Thread-safe: CEL programs and
 * plain conditions hold no state between evaluations. A condition with a plain Java form
 * is evaluated in that form; CEL evaluates the others, and any plain evaluation that ends
 * in an error, so that the error is CEL's own.
 *
 * @param policy the policy version
 * @param programs its compiled conditions
 */
record CompiledPolicy(PlacementPolicy policy, PolicyCompiler.Programs programs) {

	/**
	 * Whether its {@code match} holds for the task.
	 * @param task the task's variables
	 * @return whether it matches
	 * @throws CelEvaluationException if the condition fails on this task (fail closed)
	 */
	boolean matches(Map<String, Object> task) throws CelEvaluationException {
		PlainCondition plain = this.programs.plainMatch();
		if (plain != null) {
			byte result = plain.test(task, null);
			if (result != PlainCondition.ERROR) {
				return result == PlainCondition.TRUE;
			}
		}
		return Boolean.TRUE.equals(this.programs.match().eval(new PolicyVariables(task, null)));
	}

	/**
	 * Whether it lets a task it matched run on the agent.
	 * @param task the task's variables
	 * @param agent the agent
	 * @return {@code false} for a deny policy, else whether {@code require} holds
	 * @throws CelEvaluationException if the condition fails on this pair (fail closed)
	 */
	boolean admits(Map<String, Object> task, Agent agent) throws CelEvaluationException {
		var require = this.programs.require();
		if (require == null) {
			return false;
		}
		PlainCondition plain = this.programs.plainRequire();
		if (plain != null) {
			byte result = plain.test(task, agent);
			if (result != PlainCondition.ERROR) {
				return result == PlainCondition.TRUE;
			}
		}
		return Boolean.TRUE.equals(require.eval(new PolicyVariables(task, agent)));
	}

	/**
	 * What it decides for a pair, for the dry run and for reasons.
	 * @param task the task's variables
	 * @param agent the agent
	 * @return its decision
	 */
	PolicyDecision decide(Map<String, Object> task, Agent agent) {
		try {
			if (!matches(task)) {
				return PolicyDecision.NOT_MATCHED;
			}
			return admits(task, agent) ? PolicyDecision.ADMITS : PolicyDecision.DENIES;
		}
		catch (CelEvaluationException ex) {
			return PolicyDecision.ERROR;
		}
	}

	/**
	 * Whether it gates tasks on approval rather than placing them.
	 * @return {@code true} for require_approval
	 */
	boolean gatesApproval() {
		return this.policy.definition().effect() == PlacementPolicy.Effect.REQUIRE_APPROVAL;
	}

	/**
	 * Whether it gives tasks a budget rather than placing them.
	 * @return {@code true} for budget
	 */
	boolean setsBudget() {
		return this.policy.definition().effect() == PlacementPolicy.Effect.BUDGET;
	}

	boolean deny() {
		return this.policy.definition().effect() == PlacementPolicy.Effect.DENY;
	}

}
