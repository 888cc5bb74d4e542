package io.nexus.server.tasks;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.Hashing;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.NotFoundException;
import io.nexus.server.tasks.persistence.TaskRepository;
import io.nexus.server.tasks.persistence.TaskInserts;
import io.nexus.server.tasks.persistence.TaskInserts.IdempotentMatch;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Creates tasks, alone or in all-or-nothing batches: checks dependencies (they must
 * exist, form no cycle and not have failed), honours idempotency keys, and decides
 * whether each new task starts {@code pending} or {@code queued}; stores each task's
 * budget, its own cut to a budget policy's ({@link TaskBudget#tighter}). Callers hold the
 * transaction.
 */
@Component
class TaskIntake {

	private final TaskRepository tasks;

	private final TaskInserts inserts;

	private final TaskTransitions transitions;

	private final JsonMapper json;

	private final Clock clock;

	private final ApprovalGate approvals;

	private final BudgetDefaults budgets;

	TaskIntake(TaskRepository tasks, TaskInserts inserts, TaskTransitions transitions, JsonMapper json, Clock clock,
			ApprovalGate approvals, BudgetDefaults budgets) {
		this.approvals = approvals;
		this.budgets = budgets;
		this.tasks = tasks;
		this.inserts = inserts;
		this.transitions = transitions;
		this.json = json;
		this.clock = clock;
	}

	/**
	 * Creates the given tasks in dependency order.
	 * @param requests the tasks to create
	 * @param actor who creates them
	 * @param retryOf the task these retry, if any
	 * @param traceparent the W3C trace context they are created in, if traced
	 * @return one outcome per request, in request order
	 */
	List<CreatedTask> createAll(List<NewTask> requests, String actor, @Nullable TaskId retryOf,
			@Nullable String traceparent) {
		Map<Integer, CreatedTask> outcomes = new HashMap<>();
		Map<TaskId, NewTask> fresh = new LinkedHashMap<>();
		Map<TaskId, Integer> positions = new HashMap<>();
		Map<String, IdempotentMatch> used = this.inserts.findByIdempotencyKeys(requests.stream()
			.map(NewTask::idempotencyKey)
			.filter(Objects::nonNull)
			.collect(Collectors.toCollection(LinkedHashSet::new)));
		for (int i = 0; i < requests.size(); i++) {
			NewTask request = requests.get(i);
			Optional<Task> replay = replayed(request, used);
			if (replay.isPresent()) {
				outcomes.put(i, new CreatedTask(replay.get(), false));
				continue;
			}
			TaskId id = (request.id() != null) ? request.id() : TaskId.generate();
			if (fresh.containsKey(id)) {
				throw InvalidRequestException.unprocessable("duplicate_task_id",
						"Task id '" + id + "' appears twice in the request", Map.of("task_id", id.value()));
			}
			fresh.put(id, request);
			positions.put(id, i);
		}
		Map<TaskId, TaskStatus> external = checkDependencies(fresh);
		// the database keeps microseconds; so does the answer
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		List<Task> created = new ArrayList<>(fresh.size());
		List<@Nullable String> hashes = new ArrayList<>(fresh.size());
		List<Task> gated = new ArrayList<>();
		List<ApprovalGate.Requirement> requirements = new ArrayList<>();
		Map<TaskId, BudgetDefaults.PolicyBudget> policyBudgets = new HashMap<>();
		for (TaskId id : inDependencyOrder(fresh)) {
			NewTask request = fresh.get(id);
			BudgetDefaults.PolicyBudget policyBudget = this.budgets.budgetOf(request, actor);
			if (policyBudget != null) {
				policyBudgets.put(id, policyBudget);
			}
			ApprovalGate.Requirement requirement = this.approvals.requirementOf(request, actor, retryOf);
			Task task = newTask(id, request, actor, retryOf, external, traceparent, now, requirement != null);
			created.add(task);
			if (requirement != null) {
				gated.add(task);
				requirements.add(requirement);
			}
			hashes.add((request.idempotencyKey() != null) ? hash(request) : null);
			outcomes.put(positions.get(id), new CreatedTask(task, true));
		}
		this.inserts.insertAll(created, hashes);
		if (!gated.isEmpty()) {
			this.approvals.recordAll(gated, requirements);
		}
		for (Task task : created) {
			TaskBudget budget = fresh.get(task.id()).budget();
			BudgetDefaults.PolicyBudget policyBudget = policyBudgets.get(task.id());
			if (policyBudget != null) {
				budget = TaskBudget.tighter(budget, policyBudget.budget());
			}
			if (budget != null) {
				this.inserts.insertBudget(task.id(), budget);
			}
			if (task.notBefore() != null) {
				this.inserts.insertRunAt(task.id(), task.notBefore());
			}
		}
		for (Task task : created) {
			String reason = (retryOf != null) ? "retry of " + retryOf : switch (task.status()) {
				case QUEUED -> "created";
				case AWAITING_APPROVAL -> "created; approval_requested";
				default -> "created; waiting for dependencies";
			};
			if (task.notBefore() != null) {
				reason += "; scheduled to run at " + task.notBefore();
			}
			BudgetDefaults.PolicyBudget policyBudget = policyBudgets.get(task.id());
			if (policyBudget != null) {
				reason += "; budget by policy " + policyBudget.policyRef();
			}
			this.transitions.created(task, actor, reason);
		}
		List<CreatedTask> ordered = new ArrayList<>(requests.size());
		for (int i = 0; i < requests.size(); i++) {
			ordered.add(outcomes.get(i));
		}
		return ordered;
	}

	private Optional<Task> replayed(NewTask request, Map<String, IdempotentMatch> used) {
		if (request.idempotencyKey() == null) {
			return Optional.empty();
		}
		Optional<IdempotentMatch> match = Optional.ofNullable(used.get(request.idempotencyKey()));
		if (match.isEmpty()) {
			return Optional.empty();
		}
		if (!Objects.equals(match.get().requestHash(), hash(request))) {
			throw new ConflictException("idempotency_key_reused",
					"Idempotency key '" + request.idempotencyKey() + "' was used for a different request",
					Map.of("task_id", match.get().id().value()));
		}
		return this.tasks.findById(match.get().id());
	}

	private Map<TaskId, TaskStatus> checkDependencies(Map<TaskId, NewTask> fresh) {
		Set<TaskId> outside = new LinkedHashSet<>();
		for (Map.Entry<TaskId, NewTask> entry : fresh.entrySet()) {
			for (TaskId dependency : entry.getValue().dependencies()) {
				if (dependency.equals(entry.getKey())) {
					throw cycle(List.of(dependency, dependency));
				}
				if (!fresh.containsKey(dependency)) {
					outside.add(dependency);
				}
			}
		}
		Map<TaskId, TaskStatus> statuses = this.tasks.lockStatuses(outside);
		List<String> missing = outside.stream().filter((id) -> !statuses.containsKey(id)).map(TaskId::value).toList();
		if (!missing.isEmpty()) {
			throw new NotFoundException("dependency_not_found", "Unknown dependencies: " + String.join(", ", missing),
					Map.of("missing", missing));
		}
		List<String> failed = statuses.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() == TaskStatus.FAILED || entry.getValue() == TaskStatus.CANCELLED)
			.map((entry) -> entry.getKey().value())
			.toList();
		if (!failed.isEmpty()) {
			throw InvalidRequestException.unprocessable("dependency_failed",
					"Dependencies that can never complete: " + String.join(", ", failed), Map.of("failed", failed));
		}
		// made ids are unique by construction; only chosen ones can collide
		Set<TaskId> taken = this.inserts.existing(fresh.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().id() != null)
			.map(Map.Entry::getKey)
			.toList());
		for (TaskId id : fresh.keySet()) {
			if (taken.contains(id)) {
				throw new ConflictException("task_exists", "A task with id '" + id + "' already exists",
						Map.of("task_id", id.value()));
			}
		}
		return statuses;
	}

	/**
	 * Orders new tasks so that each comes after the new tasks it depends on (Kahn's
	 * algorithm); whatever cannot be ordered lies on a cycle.
	 */
	static List<TaskId> inDependencyOrder(Map<TaskId, NewTask> fresh) {
		Map<TaskId, Integer> waitingOn = new LinkedHashMap<>();
		Map<TaskId, List<TaskId>> dependents = new HashMap<>();
		for (Map.Entry<TaskId, NewTask> entry : fresh.entrySet()) {
			Set<TaskId> inside = new HashSet<>();
			for (TaskId dependency : entry.getValue().dependencies()) {
				if (fresh.containsKey(dependency) && inside.add(dependency)) {
					dependents.computeIfAbsent(dependency, (key) -> new ArrayList<>()).add(entry.getKey());
				}
			}
			waitingOn.put(entry.getKey(), inside.size());
		}
		List<TaskId> order = new ArrayList<>();
		List<TaskId> ready = new ArrayList<>(
				waitingOn.entrySet().stream().filter((entry) -> entry.getValue() == 0).map(Map.Entry::getKey).toList());
		while (!ready.isEmpty()) {
			TaskId next = ready.remove(ready.size() - 1);
			order.add(next);
			for (TaskId dependent : dependents.getOrDefault(next, List.of())) {
				if (waitingOn.merge(dependent, -1, Integer::sum) == 0) {
					ready.add(dependent);
				}
			}
		}
		if (order.size() < fresh.size()) {
			throw cycle(waitingOn.keySet().stream().filter((id) -> !order.contains(id)).toList());
		}
		return order;
	}

	private static Task newTask(TaskId id, NewTask request, String actor, @Nullable TaskId retryOf,
			Map<TaskId, TaskStatus> external, @Nullable String traceparent, Instant now, boolean gated) {
		boolean ready = request.dependencies()
			.stream()
			.allMatch((dependency) -> external.get(dependency) == TaskStatus.COMPLETED);
		TaskStatus status = !ready ? TaskStatus.PENDING : gated ? TaskStatus.AWAITING_APPROVAL : TaskStatus.QUEUED;
		boolean queued = status == TaskStatus.QUEUED;
		return new Task(id, request.title(), request.description(), request.priority(), request.category(), status,
				null, request.effectiveCapabilities(), List.copyOf(new LinkedHashSet<>(request.dependencies())),
				request.payloadJson(), null, request.estimatedDuration(), null, request.maxAttempts(), 0,
				request.timeoutSeconds(), request.idempotencyKey(), null, 0, retryOf, actor, now, now,
				queued ? now : null, null, null, null, runAt(request, now), null, null, null, null, traceparent,
				request.fairnessKey(), 0, List.of(), request.agentSelector());
	}

	/**
	 * The time a task is held until, kept in {@code not_before} so that the ready queue
	 * leaves the task out until then; one already past is no hold at all.
	 */
	private static @Nullable Instant runAt(NewTask request, Instant now) {
		Instant runAt = request.runAt();
		return (runAt != null && runAt.isAfter(now)) ? runAt.truncatedTo(ChronoUnit.MICROS) : null;
	}

	private String hash(NewTask request) {
		return Hashing.sha256Hex(this.json.writeValueAsString(request));
	}

	private static InvalidRequestException cycle(List<TaskId> members) {
		List<String> ids = members.stream().map(TaskId::value).distinct().toList();
		return InvalidRequestException.unprocessable("dependency_cycle",
				"Dependencies form a cycle through: " + String.join(", ", ids), Map.of("cycle", ids));
	}

}
