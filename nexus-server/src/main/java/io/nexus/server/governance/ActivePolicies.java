package io.nexus.server.governance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.cel.runtime.CelEvaluationException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexus.server.dispatch.ClusterEvent;
import io.nexus.server.dispatch.Dispatcher;
import io.nexus.server.governance.persistence.PlacementPolicyRepository;
import io.nexus.server.tasks.NewTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The enabled placement policies as this node knows them, compiled: read from the
 * database every {@code nexus.governance.refresh-interval} and at once when another node
 * says they changed ({@value PlacementPolicies#CHANGED}). A version already compiled is
 * not compiled again. Dispatch reads {@link #enabled()} for every pair, so nothing here
 * does I/O on that path.
 */
@Component
class ActivePolicies {

	private static final Logger logger = LoggerFactory.getLogger(ActivePolicies.class);

	private final PlacementPolicyRepository repository;

	private final PolicyCompiler compiler;

	private final ObjectProvider<Dispatcher> dispatcher;

	private final Counter errors;

	private final Set<String> reported = ConcurrentHashMap.newKeySet();

	private volatile List<CompiledPolicy> enabled = List.of();

	private volatile List<CompiledPolicy> approvals = List.of();

	private volatile List<CompiledPolicy> budgets = List.of();

	ActivePolicies(PlacementPolicyRepository repository, PolicyCompiler compiler, ObjectProvider<Dispatcher> dispatcher,
			MeterRegistry meters) {
		this.repository = repository;
		this.compiler = compiler;
		this.dispatcher = dispatcher;
		this.errors = Counter.builder("nexus.policy.evaluation.errors")
			.description("Placement policy conditions that failed to evaluate; each denied its task-agent pair")
			.register(meters);
		Gauge.builder("nexus.policies.active", this, (policies) -> policies.enabled().size())
			.description("Enabled placement policies, as this node last read them")
			.register(meters);
	}

	/**
	 * The enabled policies in the order they apply.
	 * @return by priority, then name; the same list until they change
	 */
	List<CompiledPolicy> enabled() {
		return this.enabled;
	}

	/**
	 * The enabled {@code require_approval} policies, in the order they apply; they take
	 * no part in placement ({@link #enabled()} leaves them out).
	 * @return by priority, then name
	 */
	List<CompiledPolicy> approvals() {
		return this.approvals;
	}

	/**
	 * The enabled {@code budget} policies, in the order they apply; they take no part in
	 * placement ({@link #enabled()} leaves them out).
	 * @return by priority, then name
	 */
	List<CompiledPolicy> budgets() {
		return this.budgets;
	}

	/**
	 * The first of some policies (in their order) that {@code applies} to and whose
	 * {@code match} holds for a new task. A condition that fails to evaluate counts as
	 * holding: approvals and budgets only restrict, so they fail closed.
	 * @param candidates the policies, in priority order
	 * @param applies which of them to consider
	 * @param request the new task
	 * @param actor who creates it
	 * @return the policy, if one matches
	 */
	Optional<CompiledPolicy> firstMatching(List<CompiledPolicy> candidates, Predicate<CompiledPolicy> applies,
			NewTask request, String actor) {
		if (candidates.isEmpty()) {
			return Optional.empty();
		}
		var variables = PolicyVariables.task((request.id() != null) ? request.id().value() : "", request.title(),
				request.category(), request.effectiveCapabilities(), request.priority().wireName(), actor,
				request.maxAttempts(), request.timeoutSeconds());
		for (CompiledPolicy policy : candidates) {
			if (!applies.test(policy)) {
				continue;
			}
			try {
				if (policy.matches(variables)) {
					return Optional.of(policy);
				}
			}
			catch (CelEvaluationException ex) {
				failed(policy, ex);
				return Optional.of(policy);
			}
		}
		return Optional.empty();
	}

	/**
	 * Counts a failed evaluation and logs it once per policy version.
	 * @param policy the policy whose condition failed
	 * @param ex why
	 */
	void failed(CompiledPolicy policy, Exception ex) {
		this.errors.increment();
		if (this.reported.add(policy.policy().ref())) {
			logger.warn("Placement policy '{}' ({}) failed to evaluate and denies the pair (fail closed): {}",
					policy.policy().definition().name(), policy.policy().ref(), ex.getMessage());
		}
	}

	/**
	 * Reads the policies again; runs every refresh interval on every node.
	 */
	@Scheduled(fixedDelayString = "${nexus.governance.refresh-interval:1s}")
	void refresh() {
		List<CompiledPolicy> before = this.enabled;
		List<CompiledPolicy> beforeApprovals = this.approvals;
		List<PlacementPolicy> live;
		try {
			live = this.repository.findLive();
		}
		catch (RuntimeException ex) {
			// the database is away: keep the last known policies
			logger.debug("Could not read the placement policies: {}", ex.getMessage());
			return;
		}
		Map<String, CompiledPolicy> known = new HashMap<>();
		before.forEach((policy) -> known.put(policy.policy().ref(), policy));
		beforeApprovals.forEach((policy) -> known.put(policy.policy().ref(), policy));
		this.budgets.forEach((policy) -> known.put(policy.policy().ref(), policy));
		List<CompiledPolicy> now = new ArrayList<>();
		for (PlacementPolicy policy : live) {
			if (!policy.definition().enabled()) {
				continue;
			}
			CompiledPolicy compiled = known.get(policy.ref());
			if (compiled == null) {
				try {
					compiled = new CompiledPolicy(policy, this.compiler.compile(policy.definition()));
				}
				catch (InvalidPolicyException ex) {
					// saved by a version of Nexus that accepted it: leave it out, loudly
					if (this.reported.add(policy.ref())) {
						logger.error("Placement policy '{}' ({}) no longer compiles and is not applied: {}",
								policy.definition().name(), policy.ref(), ex.getMessage());
					}
					continue;
				}
			}
			now.add(compiled);
		}
		this.approvals = now.stream().filter(CompiledPolicy::gatesApproval).toList();
		this.budgets = now.stream().filter(CompiledPolicy::setsBudget).toList();
		now.removeIf((policy) -> policy.gatesApproval() || policy.setsBudget());
		if (!now.equals(before)) {
			this.enabled = List.copyOf(now);
			// a policy removed or relaxed may let waiting tasks go
			this.dispatcher.ifAvailable(Dispatcher::wake);
		}
	}

	@EventListener
	void onClusterEvent(ClusterEvent event) {
		if (PlacementPolicies.CHANGED.equals(event.kind())) {
			refresh();
		}
	}

}
