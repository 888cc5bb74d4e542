package io.nexus.server.governance.web;

import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.governance.PlacementPolicies;
import io.nexus.server.governance.PlacementPolicies.DryRun;
import io.nexus.server.governance.PlacementPolicy;
import io.nexus.server.governance.PolicyVersion;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.PlainText;
import io.nexus.server.tasks.ApprovalRequest;
import io.nexus.server.tasks.ApprovalSpec;
import io.nexus.server.tasks.TaskBudget;
import io.nexus.server.tasks.TaskBudgetRequest;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Placement policies: {@code /api/policies} (writes admin, reads any role) and the dry
 * run {@code POST /api/policies/dry-run} (any role).
 */
@RestController
@RequestMapping("/api/policies")
@Tag(name = "Policies", description = "Placement policies: CEL rules that deny tasks or constrain their agents")
class PolicyController {

	/** The longest description. */
	static final int MAX_DESCRIPTION = 1_000;

	/** The longest condition the API reads before the compiler refuses it (422). */
	static final int MAX_BODY_EXPRESSION = 20_000;

	private final PlacementPolicies policies;

	private final TaskService tasks;

	private final AgentRegistry agents;

	private final AuditLog audit;

	PolicyController(PlacementPolicies policies, TaskService tasks, AgentRegistry agents, AuditLog audit) {
		this.policies = policies;
		this.tasks = tasks;
		this.agents = agents;
		this.audit = audit;
	}

	@GetMapping
	@Operation(summary = "The placement policies, in the order they apply")
	PolicyList list() {
		return new PolicyList(this.policies.list().stream().map(PolicyResponse::of).toList());
	}

	@GetMapping("/{id}")
	@Operation(summary = "One placement policy at its current version")
	PolicyResponse get(@PathVariable String id) {
		return PolicyResponse.of(this.policies.get(id));
	}

	@GetMapping("/{id}/versions")
	@Operation(summary = "Every version of a placement policy, newest first, the deletion included")
	VersionList versions(@PathVariable String id) {
		return new VersionList(this.policies.versions(id).stream().map(VersionResponse::of).toList());
	}

	@PostMapping
	@Operation(summary = "Create a placement policy (admin)",
			description = "The conditions are compiled first: a syntax or type error, an unknown variable, a result "
					+ "that is not a boolean, a condition over 2000 characters or one that could iterate more than "
					+ "500 times is refused with 422 naming the problem and its position; nothing is stored.")
	ResponseEntity<PolicyResponse> create(@Valid @RequestBody PolicyRequest request, Principal principal) {
		PlacementPolicy policy = this.policies.create(request.toDefinition(), principal.getName());
		this.audit.record("policy.created", policy.id(), AuditLog.SUCCESS, describe(policy));
		return ResponseEntity.status(HttpStatus.CREATED).body(PolicyResponse.of(policy));
	}

	@PutMapping("/{id}")
	@Operation(summary = "Save a new version of a placement policy (admin)")
	PolicyResponse update(@PathVariable String id, @Valid @RequestBody PolicyRequest request, Principal principal) {
		PlacementPolicy policy = this.policies.update(id, request.toDefinition(), principal.getName());
		this.audit.record("policy.updated", policy.id(), AuditLog.SUCCESS, describe(policy));
		return PolicyResponse.of(policy);
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Delete a placement policy (admin); its versions are kept")
	ResponseEntity<Void> delete(@PathVariable String id, Principal principal) {
		PlacementPolicy policy = this.policies.delete(id, principal.getName());
		this.audit.record("policy.deleted", policy.id(), AuditLog.SUCCESS, describe(policy));
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/dry-run")
	@Operation(summary = "Which policies match a task on an agent, and what each decides",
			description = "The task is a stored one (task_id) or one described (task); a draft policy may be judged "
					+ "as if it were enabled. Nothing is changed.")
	DryRunResponse dryRun(@Valid @RequestBody DryRunRequest request) {
		Map<String, Object> task;
		if (request.taskId() != null) {
			task = PlacementPolicies.variablesOf(this.tasks.get(new TaskId(request.taskId())));
		}
		else if (request.task() != null) {
			DryRunTask described = request.task();
			task = PlacementPolicies.variablesOf(described.category(),
					(described.capabilities() != null) ? described.capabilities()
							: (described.category() != null) ? List.of(described.category()) : List.of(),
					(described.priority() != null) ? described.priority() : "medium",
					(described.createdBy() != null) ? described.createdBy() : "");
		}
		else {
			throw InvalidRequestException.unprocessable("dry_run_task_missing",
					"Give the task to judge: task_id, or task with its category, capabilities, priority, created_by",
					Map.of());
		}
		Agent agent = this.agents.get(new AgentId(request.agentId()));
		DryRun run = this.policies.dryRun(task, agent,
				(request.policy() != null) ? request.policy().toDefinition() : null);
		return DryRunResponse.of(run);
	}

	private static String describe(PlacementPolicy policy) {
		return policy.definition().name() + " " + policy.ref() + " (" + policy.definition().effect().wireName()
				+ ((policy.definition().enabled()) ? "" : ", disabled") + ")";
	}

	/**
	 * A policy as an admin writes it.
	 *
	 * @param name a unique name
	 * @param description what it is for
	 * @param enabled whether dispatch applies it (default true)
	 * @param priority the order of application, smaller first (default 100)
	 * @param match CEL over task.*: which tasks it is about
	 * @param effect deny, require, require_approval or budget
	 * @param require CEL over task.* and agent.*, for require: what the agent must
	 * satisfy
	 * @param approval for require_approval: who must approve the matching tasks, as a
	 * task's approval
	 * @param budget for budget: the budget of the matching tasks, as a task's budget
	 */
	record PolicyRequest(@NotBlank @Pattern(regexp = Limits.NAME_PATTERN) String name,
			@Nullable @Size(max = MAX_DESCRIPTION) @PlainText String description, @Nullable Boolean enabled,
			@Nullable @Min(0) @Max(1_000_000) Integer priority, @NotNull @Size(max = MAX_BODY_EXPRESSION) String match,
			@NotNull @Pattern(regexp = "deny|require|require_approval|budget") String effect,
			@Nullable @Size(max = MAX_BODY_EXPRESSION) String require, @Nullable ApprovalRequest approval,
			@Nullable @Valid TaskBudgetRequest budget) {

		PlacementPolicy.Definition toDefinition() {
			return new PlacementPolicy.Definition(this.name, (this.description != null) ? this.description : "",
					this.enabled == null || this.enabled, (this.priority != null) ? this.priority : 100, this.match,
					PlacementPolicy.Effect.valueOf(this.effect.toUpperCase(Locale.ROOT)), this.require,
					(this.approval != null) ? this.approval.toSpec("approval") : null,
					(this.budget != null) ? this.budget.toBudget() : null);
		}

	}

	/**
	 * A dry run.
	 *
	 * @param taskId a stored task
	 * @param task or a task described
	 * @param agentId the agent
	 * @param policy a draft policy to judge as if enabled
	 */
	record DryRunRequest(@Nullable @Pattern(regexp = TaskId.PATTERN) String taskId, @Nullable @Valid DryRunTask task,
			@NotBlank @Pattern(regexp = AgentId.PATTERN) String agentId, @Nullable @Valid PolicyRequest policy) {

	}

	/**
	 * A task described for a dry run.
	 *
	 * @param category its category
	 * @param capabilities the capabilities it requires (default: its category)
	 * @param priority low, medium, high or critical (default medium)
	 * @param createdBy its creator
	 */
	record DryRunTask(@Nullable @Pattern(regexp = Limits.NAME_PATTERN) String category, @Nullable @Size(
			max = Limits.MAX_CAPABILITIES) List<@NotNull @Pattern(regexp = Limits.NAME_PATTERN) String> capabilities,
			@Nullable @Pattern(regexp = "low|medium|high|critical") String priority,
			@Nullable @Size(max = 200) String createdBy) {

	}

	/**
	 * Policies.
	 *
	 * @param items the policies
	 */
	record PolicyList(List<PolicyResponse> items) {

	}

	/**
	 * A policy as the API shows it.
	 *
	 * @param id its id
	 * @param version its current version
	 * @param name its name
	 * @param description what it is for
	 * @param enabled whether dispatch applies it
	 * @param priority its order
	 * @param match its match condition
	 * @param effect deny, require, require_approval or budget
	 * @param require its require condition
	 * @param approval who must approve, for require_approval
	 * @param budget the budget it gives, for budget
	 * @param createdBy who created it
	 * @param createdAt when
	 * @param updatedBy who made this version
	 * @param updatedAt when
	 */
	record PolicyResponse(String id, long version, String name, String description, boolean enabled, int priority,
			String match, String effect, @Nullable String require, @Nullable ApprovalSpec approval,
			@Nullable TaskBudget budget, String createdBy, Instant createdAt, String updatedBy, Instant updatedAt) {

		static PolicyResponse of(PlacementPolicy policy) {
			PlacementPolicy.Definition definition = policy.definition();
			return new PolicyResponse(policy.id(), policy.version(), definition.name(), definition.description(),
					definition.enabled(), definition.priority(), definition.match(), definition.effect().wireName(),
					definition.require(), definition.approval(), definition.budget(), policy.createdBy(),
					policy.createdAt(), policy.updatedBy(), policy.updatedAt());
		}

	}

	/**
	 * Versions of a policy.
	 *
	 * @param items newest first
	 */
	record VersionList(List<VersionResponse> items) {

	}

	/**
	 * One version of a policy.
	 *
	 * @param policyId the policy
	 * @param version the version
	 * @param change created, updated or deleted
	 * @param name its name then
	 * @param description its description then
	 * @param enabled whether it was enabled
	 * @param priority its order
	 * @param match its match condition
	 * @param effect deny, require, require_approval or budget
	 * @param require its require condition
	 * @param approval who must approve, for require_approval
	 * @param budget the budget it gave, for budget
	 * @param changedBy who made the version
	 * @param changedAt when
	 */
	record VersionResponse(String policyId, long version, String change, String name, String description,
			boolean enabled, int priority, String match, String effect, @Nullable String require,
			@Nullable ApprovalSpec approval, @Nullable TaskBudget budget, String changedBy, Instant changedAt) {

		static VersionResponse of(PolicyVersion version) {
			PlacementPolicy.Definition definition = version.definition();
			return new VersionResponse(version.policyId(), version.version(), version.change(), definition.name(),
					definition.description(), definition.enabled(), definition.priority(), definition.match(),
					definition.effect().wireName(), definition.require(), definition.approval(), definition.budget(),
					version.changedBy(), version.changedAt());
		}

	}

	/**
	 * What a dry run found.
	 *
	 * @param verdict {@code admit} or {@code deny}
	 * @param decidedBy the first policy that refused, as {@code id@version}; {@code null}
	 * when admitted
	 * @param reason the refusal in words
	 * @param policies each enabled policy (and the draft, id {@code draft}) with its
	 * decision: {@code not_matched}, {@code admits}, {@code denies} or {@code error}
	 */
	record DryRunResponse(String verdict, @Nullable String decidedBy, @Nullable String reason, List<Outcome> policies) {

		static DryRunResponse of(DryRun run) {
			PlacementPolicy decider = run.decidedBy();
			return new DryRunResponse(run.admitted() ? "admit" : "deny", (decider != null) ? decider.ref() : null,
					(decider != null) ? "placement policy '" + decider.definition().name() + "' (" + decider.ref()
							+ ") refuses the agent this task" : null,
					run.outcomes()
						.stream()
						.map((outcome) -> new Outcome(outcome.policy().id(), outcome.policy().version(),
								outcome.policy().definition().name(), outcome.policy().definition().effect().wireName(),
								outcome.decision().wireName()))
						.toList());
		}

	}

	/**
	 * One policy's decision in a dry run.
	 *
	 * @param policyId the policy ({@code draft} for the draft)
	 * @param version its version
	 * @param name its name
	 * @param effect deny or require
	 * @param decision not_matched, admits, denies or error
	 */
	record Outcome(String policyId, long version, String name, String effect, String decision) {

	}

}
