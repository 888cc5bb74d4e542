package io.nexus.server.dispatch;

import java.util.List;
import java.util.Set;

import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;

/**
 * One link of the chain that {@link Eligibility} applies, in order, to every task-agent
 * pair. A rule answers fast on the dispatch path ({@link #admits}) and explains itself
 * only when asked ({@link #refusal}, {@link #noneAdmits}). Governance policies are rules
 * too; they are Spring beans, applied after the built-in ones in their {@code @Order}.
 */
public interface EligibilityRule {

	/**
	 * Whether the agent may take the task as far as this rule goes. Called for every pair
	 * in a dispatch round: no allocation, no I/O.
	 * @param task the task
	 * @param agent the agent
	 * @return {@code true} if admitted
	 */
	boolean admits(Task task, Contender agent);

	/**
	 * Whether the agent could take some task at all as far as this rule goes; dispatch
	 * leaves out the agents that could not before it looks at tasks.
	 * @param agent the agent
	 * @return {@code false} only if {@link #admits} is {@code false} for every task
	 */
	default boolean admitsAny(Contender agent) {
		return true;
	}

	/**
	 * Categories whose every task this rule refuses the agent now, whatever else the task
	 * is; dispatch leaves out the tasks of categories refused to every available agent
	 * before it reads the ready queue, so that they never crowd out the others.
	 * @param agent the agent
	 * @return such categories, often none
	 */
	default Set<String> heldCategories(Contender agent) {
		return Set.of();
	}

	/**
	 * Why this rule holds the task back from every agent whatever the agent, if it does
	 * (a limit on its key is reached); "why waiting" asks this before it looks at agents.
	 * Not called on the dispatch path.
	 * @param task a queued task
	 * @return the reason, or {@code null} if the rule does not hold the task as such
	 */
	default @Nullable String holding(Task task) {
		return null;
	}

	/**
	 * Whether this rule holds even for an operator's forced assignment, which skips the
	 * others (capability, status, free slot).
	 * @return {@code true} for a rule that nothing overrides
	 */
	default boolean binding() {
		return false;
	}

	/**
	 * What this rule adds to the reason an automatic assignment records (and so to the
	 * task's history), such as the policy versions that applied; called once per
	 * assignment, after {@link #admits} said yes for the chosen agent.
	 * @param task the task assigned
	 * @return a short note, or empty for nothing (most rules)
	 */
	default String explain(Task task) {
		return "";
	}

	/**
	 * Why this rule refuses the pair; called only when {@link #admits} said no.
	 * @param task the task
	 * @param agent the agent
	 * @return the refusal
	 */
	Refusal refusal(Task task, Contender agent);

	/**
	 * Why a task waits when this rule admits none of the agents that passed the rules
	 * before it, in words an operator understands.
	 * @param task the task
	 * @param considered the agents this rule refused all of, never empty
	 * @return the reason, such as "all 3 eligible agent(s) are full"
	 */
	String noneAdmits(Task task, List<? extends Contender> considered);

}
