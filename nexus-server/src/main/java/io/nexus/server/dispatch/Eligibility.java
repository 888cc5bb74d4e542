package io.nexus.server.dispatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.nexus.server.agents.Agent;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.tasks.AssignmentEligibility;
import io.nexus.server.tasks.Task;

import org.springframework.stereotype.Component;

/**
 * The one rule of which agent may take which task, and how much dispatch wants it.
 * Automatic dispatch, manual assignment, "why is this task waiting?" and the dashboard's
 * ranked candidates all ask here, so they cannot disagree.
 * <p>
 * The rule is a chain of {@link EligibilityRule}s applied in order: the agent has every
 * required capability, its status takes new work and its connection is not shutting down,
 * it has a free slot; then any policy beans. The first rule that refuses gives the
 * {@link Verdict} its reason. Among eligible agents the highest {@link Score} wins, ties
 * to the smaller agent id.
 */
@Component
public class Eligibility implements AssignmentEligibility {

	private static final Comparator<Ranked<?>> RANKING = Comparator
		.comparing((Ranked<?> ranked) -> !ranked.verdict().eligible())
		.thenComparing((Ranked<?> ranked) -> !ranked.contender().connected())
		.thenComparing((Ranked<?> ranked) -> ranked.contender(), Scoring.BEST_FIRST);

	private final List<EligibilityRule> rules;

	/**
	 * The built-in rules followed by the given policies.
	 * @param policies further rules, in order (governance policies); may be empty
	 */
	public Eligibility(List<EligibilityRule> policies) {
		List<EligibilityRule> all = new ArrayList<>(
				List.of(new CapabilityRule(), new AvailabilityRule(), new CapacityRule()));
		all.addAll(policies);
		this.rules = List.copyOf(all);
	}

	/**
	 * Whether the agent could take any task now; dispatch leaves out those that could
	 * not.
	 * @param agent the agent
	 * @return {@code true} unless a rule refuses it every task
	 */
	public boolean takesWork(Contender agent) {
		for (EligibilityRule rule : this.rules) {
			if (!rule.admitsAny(agent)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Categories that some rule refuses the agent whatever the task.
	 * @param agent the agent
	 * @return the categories, often none
	 */
	public Set<String> heldCategories(Contender agent) {
		Set<String> held = null;
		for (EligibilityRule rule : this.rules) {
			Set<String> more = rule.heldCategories(agent);
			if (!more.isEmpty()) {
				if (held == null) {
					held = new HashSet<>();
				}
				held.addAll(more);
			}
		}
		return (held != null) ? held : Set.of();
	}

	/**
	 * Whether the agent may take the task; the fast form of {@link #verdict}.
	 * @param task the task
	 * @param agent the agent
	 * @return {@code true} if every rule admits it
	 */
	public boolean eligible(Task task, Contender agent) {
		for (EligibilityRule rule : this.rules) {
			if (!rule.admits(task, agent)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether the agent may take the task, and if not why.
	 * @param task the task
	 * @param agent the agent
	 * @return the verdict of the first rule that refuses, or eligible
	 */
	public Verdict verdict(Task task, Contender agent) {
		for (EligibilityRule rule : this.rules) {
			if (!rule.admits(task, agent)) {
				return new Verdict(rule.refusal(task, agent));
			}
		}
		return Verdict.ELIGIBLE;
	}

	/**
	 * How much dispatch wants the agent, whatever the task.
	 * @param agent the agent
	 * @return the score with its terms
	 */
	public Score score(Contender agent) {
		return Scoring.score(agent);
	}

	/**
	 * The best of agents already known to be eligible.
	 * @param <C> the kind of contender
	 * @param eligible agents that passed {@link #eligible}
	 * @return the highest score, ties to the smaller id; empty if there is none
	 */
	public <C extends Contender> Optional<C> best(List<C> eligible) {
		return eligible.stream().min(Scoring.BEST_FIRST);
	}

	/**
	 * The reason an automatic assignment records.
	 * @param chosen the agent chosen
	 * @param candidates how many were eligible
	 * @return e.g. {@code auto: agent a1 scored 80.0 (...) among 2 eligible}
	 */
	public String explain(Contender chosen, int candidates) {
		return "auto: agent " + chosen.agent().id() + " " + score(chosen).explanation() + " among " + candidates
				+ " eligible";
	}

	/**
	 * The reason an automatic assignment records, with what the rules add (such as the
	 * placement policy versions that applied to the task).
	 * @param task the task assigned
	 * @param chosen the agent chosen
	 * @param candidates how many were eligible
	 * @return e.g. {@code auto: agent a1 scored 80.0 (...) among 2 eligible; placement
	 * policies applied: pol_1@2}
	 */
	public String explain(Task task, Contender chosen, int candidates) {
		String reason = explain(chosen, candidates);
		for (EligibilityRule rule : this.rules) {
			String note = rule.explain(task);
			if (!note.isEmpty()) {
				reason = reason + "; " + note;
			}
		}
		return reason;
	}

	/**
	 * Every agent with its verdict and score: eligible first, then connected, then by
	 * score, ties to the smaller id.
	 * @param <C> the kind of contender
	 * @param task the task
	 * @param agents the agents to consider
	 * @return the ranking
	 */
	public <C extends Contender> List<Ranked<C>> rank(Task task, Collection<C> agents) {
		List<Ranked<C>> ranked = new ArrayList<>();
		for (C agent : agents) {
			ranked.add(new Ranked<>(agent, verdict(task, agent), score(agent)));
		}
		ranked.sort(RANKING);
		return ranked;
	}

	/**
	 * Why a queued task still waits, in words an operator understands: its run_at or
	 * retry backoff, a rule that holds it whatever the agent (a limit), no agent at all,
	 * or the first rule that none of the agents passing the rules before it passes.
	 * @param task a queued task
	 * @param connected the agents connected to this node
	 * @param now the time
	 * @return the reason, such as "no connected agent has capability gpu"
	 */
	public String whyWaiting(Task task, Collection<? extends Contender> connected, Instant now) {
		if (task.notBefore() != null && task.notBefore().isAfter(now)) {
			// before its first attempt only run_at sets not_before; after one, retry
			// backoff
			return (task.attempts() == 0) ? "scheduled to run at " + task.notBefore() + " (run_at)"
					: "waiting for its retry backoff until " + task.notBefore();
		}
		for (EligibilityRule rule : this.rules) {
			String held = rule.holding(task);
			if (held != null) {
				return held;
			}
		}
		List<? extends Contender> considered = List.copyOf(connected);
		if (considered.isEmpty()) {
			return "no agent is connected";
		}
		for (EligibilityRule rule : this.rules) {
			List<? extends Contender> admitted = considered.stream()
				.filter((agent) -> rule.admits(task, agent))
				.toList();
			if (admitted.isEmpty()) {
				return rule.noneAdmits(task, considered);
			}
			considered = admitted;
		}
		return "an eligible agent is free; dispatch is imminent";
	}

	@Override
	public void checkAssignable(Task task, Agent agent, int active) {
		Contender contender = Contender.stored(agent, active, 1.0);
		checkForced(task, contender);
		Refusal refusal = verdict(task, contender).refusal();
		if (refusal != null) {
			String reason = refusal.reason();
			throw new ConflictException(refusal.code(), Character.toUpperCase(reason.charAt(0)) + reason.substring(1)
					+ "; pass \"force\": true to assign anyway", refusal.details());
		}
	}

	@Override
	public void checkForcedAssignable(Task task, Agent agent, int active) {
		checkForced(task, Contender.stored(agent, active, 1.0));
	}

	private void checkForced(Task task, Contender agent) {
		for (EligibilityRule rule : this.rules) {
			if (rule.binding() && !rule.admits(task, agent)) {
				Refusal refusal = rule.refusal(task, agent);
				String reason = refusal.reason();
				throw new ConflictException(refusal.code(), Character.toUpperCase(reason.charAt(0))
						+ reason.substring(1) + "; not even a forced assignment may override it", refusal.details());
			}
		}
	}

	/**
	 * An agent with its verdict on a task and its score.
	 *
	 * @param <C> the kind of contender
	 * @param contender the agent
	 * @param verdict whether it may take the task
	 * @param score how much dispatch wants it
	 */
	public record Ranked<C extends Contender>(C contender, Verdict verdict, Score score) {

	}

}
