package io.nexus.server.governance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelVariableResolver;
import io.nexus.server.agents.Agent;
import io.nexus.server.shared.Limits;
import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;

/**
 * The variables a policy condition may use, and their values for a task and an agent.
 * Task values are read once per task ({@link #of(Task)}); agent values are read when a
 * condition asks, so that evaluating a pair allocates next to nothing.
 */
final class PolicyVariables implements CelVariableResolver {

	/** What {@code match} and {@code require} see of the task. */
	static final Map<String, CelType> TASK;

	/** What {@code require} sees in all. */
	static final Map<String, CelType> ALL;

	static {
		Map<String, CelType> task = new LinkedHashMap<>();
		task.put("task.id", SimpleType.STRING);
		task.put("task.title", SimpleType.STRING);
		task.put("task.category", SimpleType.STRING);
		task.put("task.capabilities", ListType.create(SimpleType.STRING));
		task.put("task.priority", SimpleType.STRING);
		task.put("task.created_by", SimpleType.STRING);
		task.put("task.max_attempts", SimpleType.INT);
		task.put("task.timeout_seconds", SimpleType.INT);
		TASK = Collections.unmodifiableMap(task);
		Map<String, CelType> all = new LinkedHashMap<>(task);
		all.put("agent.id", SimpleType.STRING);
		all.put("agent.name", SimpleType.STRING);
		all.put("agent.labels", MapType.create(SimpleType.STRING, SimpleType.STRING));
		all.put("agent.capabilities", ListType.create(SimpleType.STRING));
		all.put("agent.enrolled", SimpleType.BOOL);
		all.put("agent.enrollment_scope", ListType.create(SimpleType.STRING));
		all.put("agent.priority_score", SimpleType.INT);
		all.put("agent.max_concurrency", SimpleType.INT);
		ALL = Collections.unmodifiableMap(all);
	}

	private final Map<String, Object> task;

	private final @Nullable Agent agent;

	PolicyVariables(Map<String, Object> task, @Nullable Agent agent) {
		this.task = task;
		this.agent = agent;
	}

	/**
	 * A task's values, read once.
	 * @param task the task
	 * @return the {@code task.*} variables
	 */
	static Map<String, Object> of(Task task) {
		return task(task.id().value(), task.title(), task.category(), task.requiredCapabilities(),
				task.priority().wireName(), task.createdBy(), task.maxAttempts(), task.timeoutSeconds());
	}

	static Map<String, Object> task(String id, String title, @Nullable String category, List<String> capabilities,
			String priority, String createdBy, long maxAttempts, long timeoutSeconds) {
		return Map.of("task.id", id, "task.title", title, "task.category", (category != null) ? category : "",
				"task.capabilities", capabilities, "task.priority", priority, "task.created_by", createdBy,
				"task.max_attempts", maxAttempts, "task.timeout_seconds", timeoutSeconds);
	}

	/**
	 * The largest task and agent the API accepts, on which the compiler tries a condition
	 * once to bound its cost.
	 * @return every variable, lists and maps at their size limits
	 */
	static Map<String, Object> largest() {
		List<String> capabilities = new ArrayList<>();
		Map<String, String> labels = new LinkedHashMap<>();
		for (int i = 0; i < Limits.MAX_LABELS; i++) {
			labels.put("label" + i, "value" + i);
		}
		for (int i = 0; i < Limits.MAX_CAPABILITIES; i++) {
			capabilities.add("capability" + i);
		}
		Map<String, Object> all = new LinkedHashMap<>(task("task_x", "t", "c", capabilities, "medium", "admin", 3, 60));
		all.put("agent.id", "agent_x");
		all.put("agent.name", "a");
		all.put("agent.labels", labels);
		all.put("agent.capabilities", capabilities);
		all.put("agent.enrolled", true);
		all.put("agent.enrollment_scope", capabilities);
		all.put("agent.priority_score", 50L);
		all.put("agent.max_concurrency", 4L);
		return all;
	}

	@Override
	public Optional<Object> find(String name) {
		if (name.startsWith("task.")) {
			return Optional.ofNullable(this.task.get(name));
		}
		Agent agent = this.agent;
		if (agent == null) {
			return Optional.empty();
		}
		return Optional.ofNullable(switch (name) {
			case "agent.id" -> agent.id().value();
			case "agent.name" -> agent.name();
			case "agent.labels" -> agent.labels();
			case "agent.capabilities" -> agent.capabilities();
			case "agent.enrolled" -> agent.enrollmentScope() != null;
			case "agent.enrollment_scope" -> (agent.enrollmentScope() != null) ? agent.enrollmentScope() : List.of();
			case "agent.priority_score" -> (long) agent.priorityScore();
			case "agent.max_concurrency" -> (long) agent.maxConcurrency();
			default -> null;
		});
	}

}
