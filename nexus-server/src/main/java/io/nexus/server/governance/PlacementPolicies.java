package io.nexus.server.governance;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.nexus.server.agents.Agent;
import io.nexus.server.dispatch.ClusterEvents;
import io.nexus.server.governance.persistence.PlacementPolicyRepository;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.Ids;
import io.nexus.server.shared.NotFoundException;
import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Placement policies, managed by admins: each change is compiled first (nothing invalid
 * is stored), saved as a new version next to the ones before, and reaches every node at
 * once through a cluster event ({@value #CHANGED}) and within the refresh interval
 * otherwise. Dispatch applies them through {@link PlacementPolicyRule}.
 */
@Service
public class PlacementPolicies {

	/** The cluster event that tells the other nodes to read the policies again. */
	static final String CHANGED = "placement_policies_changed";

	private final PlacementPolicyRepository repository;

	private final PolicyCompiler compiler;

	private final ActivePolicies board;

	private final ClusterEvents cluster;

	private final Clock clock;

	PlacementPolicies(PlacementPolicyRepository repository, PolicyCompiler compiler, ActivePolicies board,
			ClusterEvents cluster, Clock clock) {
		this.repository = repository;
		this.compiler = compiler;
		this.board = board;
		this.cluster = cluster;
		this.clock = clock;
	}

	/**
	 * The policies not deleted.
	 * @return in the order they apply
	 */
	@Transactional(readOnly = true)
	public List<PlacementPolicy> list() {
		return this.repository.findLive();
	}

	/**
	 * One policy, at its current version.
	 * @param id the policy
	 * @return it
	 * @throws NotFoundException if there is none, or it was deleted
	 */
	@Transactional(readOnly = true)
	public PlacementPolicy get(String id) {
		return this.repository.findLive(id).orElseThrow(() -> notFound(id));
	}

	/**
	 * Every version of a policy, deleted or not.
	 * @param id the policy
	 * @return newest first
	 * @throws NotFoundException if it never existed
	 */
	@Transactional(readOnly = true)
	public List<PolicyVersion> versions(String id) {
		List<PolicyVersion> versions = this.repository.versions(id);
		if (versions.isEmpty()) {
			throw notFound(id);
		}
		return versions;
	}

	/**
	 * Creates a policy at version 1.
	 * @param definition what it says
	 * @param actor the admin
	 * @return it
	 * @throws InvalidPolicyException if a condition is refused
	 * @throws ConflictException if another policy has the name
	 */
	@Transactional
	public PlacementPolicy create(PlacementPolicy.Definition definition, String actor) {
		this.compiler.compile(definition);
		checkNameFree(definition.name(), null);
		Instant now = this.clock.instant();
		PlacementPolicy policy = new PlacementPolicy(Ids.next("pol"), 1, definition, actor, now, actor, now);
		this.repository.insert(policy);
		this.repository.insertVersion(new PolicyVersion(policy.id(), 1, "created", definition, actor, now));
		changed();
		return policy;
	}

	/**
	 * Saves a new version of a policy.
	 * @param id the policy
	 * @param definition what it says now
	 * @param actor the admin
	 * @return the new version
	 */
	@Transactional
	public PlacementPolicy update(String id, PlacementPolicy.Definition definition, String actor) {
		this.compiler.compile(definition);
		PlacementPolicy current = get(id);
		checkNameFree(definition.name(), id);
		Instant now = this.clock.instant();
		PlacementPolicy next = new PlacementPolicy(id, current.version() + 1, definition, current.createdBy(),
				current.createdAt(), actor, now);
		if (!this.repository.update(next)) {
			throw new ConflictException("policy_changed", "Policy " + id + " changed meanwhile; read it and try again");
		}
		this.repository.insertVersion(new PolicyVersion(id, next.version(), "updated", definition, actor, now));
		changed();
		return next;
	}

	/**
	 * Deletes a policy: it stops applying at once; its versions stay, with the deletion
	 * as the last.
	 * @param id the policy
	 * @param actor the admin
	 * @return the version it had
	 */
	@Transactional
	public PlacementPolicy delete(String id, String actor) {
		PlacementPolicy current = get(id);
		Instant now = this.clock.instant();
		if (!this.repository.delete(id, current.version() + 1, actor, now)) {
			throw new ConflictException("policy_changed", "Policy " + id + " changed meanwhile; read it and try again");
		}
		this.repository
			.insertVersion(new PolicyVersion(id, current.version() + 1, "deleted", current.definition(), actor, now));
		changed();
		return current;
	}

	/**
	 * What the enabled policies, and a draft if given, decide for a task on an agent,
	 * without changing anything.
	 * @param task the task's variables (a stored task's, or one described)
	 * @param agent the agent
	 * @param draft a policy not saved yet, judged as if it were enabled (a budget policy
	 * is only checked: it does not place tasks); may be {@code null}
	 * @return each policy's decision and the verdict
	 * @throws InvalidPolicyException if the draft is refused
	 */
	public DryRun dryRun(Map<String, Object> task, Agent agent, PlacementPolicy.@Nullable Definition draft) {
		List<CompiledPolicy> judged = new ArrayList<>(this.board.enabled());
		if (draft != null) {
			Instant now = this.clock.instant();
			CompiledPolicy compiled = new CompiledPolicy(new PlacementPolicy("draft", 0, draft, "", now, "", now),
					this.compiler.compile(draft));
			// a budget policy does not place tasks: checked, then left out
			if (!compiled.setsBudget()) {
				judged.add(compiled);
			}
			judged.sort(
					(a, b) -> Integer.compare(a.policy().definition().priority(), b.policy().definition().priority()));
		}
		List<DryRun.Outcome> outcomes = new ArrayList<>();
		PlacementPolicy decidedBy = null;
		for (CompiledPolicy policy : judged) {
			PolicyDecision decision = policy.decide(task, agent);
			outcomes.add(new DryRun.Outcome(policy.policy(), decision));
			if (decidedBy == null && (decision == PolicyDecision.DENIES || decision == PolicyDecision.ERROR)) {
				decidedBy = policy.policy();
			}
		}
		return new DryRun(decidedBy == null, decidedBy, outcomes);
	}

	/**
	 * A stored task's variables, as policies see them.
	 * @param task the task
	 * @return its {@code task.*} variables
	 */
	public static Map<String, Object> variablesOf(Task task) {
		return PolicyVariables.of(task);
	}

	/**
	 * A described task's variables, as policies see them.
	 * @param category its category, or {@code null}
	 * @param capabilities the capabilities it requires
	 * @param priority its priority, as on the wire
	 * @param createdBy its creator
	 * @return its {@code task.*} variables
	 */
	public static Map<String, Object> variablesOf(@Nullable String category, List<String> capabilities, String priority,
			String createdBy) {
		return PolicyVariables.task("task_dry_run", "dry run", category, capabilities, priority, createdBy, 3, 0);
	}

	private void checkNameFree(String name, @Nullable String self) {
		for (PlacementPolicy policy : this.repository.findLive()) {
			if (policy.definition().name().equals(name) && !policy.id().equals(self)) {
				throw new ConflictException("policy_name_taken", "Policy " + policy.id() + " is already named " + name,
						Map.of("policy_id", policy.id()));
			}
		}
	}

	private void changed() {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			announce();
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				announce();
			}
		});
	}

	private void announce() {
		this.board.refresh();
		this.cluster.publish(CHANGED, Map.of());
	}

	private static NotFoundException notFound(String id) {
		return new NotFoundException("policy_not_found", "No placement policy " + id, Map.of("policy_id", id));
	}

	/**
	 * What a dry run found.
	 *
	 * @param admitted whether the policies let the agent take the task
	 * @param decidedBy the first policy that refused, or {@code null}
	 * @param outcomes each policy's decision, in the order they apply
	 */
	public record DryRun(boolean admitted, @Nullable PlacementPolicy decidedBy, List<Outcome> outcomes) {

		/**
		 * One policy's decision.
		 *
		 * @param policy the policy version
		 * @param decision what it decided
		 */
		public record Outcome(PlacementPolicy policy, PolicyDecision decision) {

		}

	}

}
