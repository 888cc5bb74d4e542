package io.nexus.server.dispatch;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.nexus.server.dispatch.DispatchProperties.UncategorisedTasks;
import io.nexus.server.tasks.Task;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * An agent that enrolled with a key runs only tasks within the key's capabilities, and a
 * task that requires no capability only if {@code nexus.dispatch.uncategorised-tasks} is
 * {@code all-agents}. The key's scope binds the agent even if an operator later gives it
 * more capabilities, and a forced manual assignment does not override it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
final class EnrollmentScopeRule implements EligibilityRule {

	private final boolean uncategorisedToRestricted;

	@Autowired
	EnrollmentScopeRule(DispatchProperties properties) {
		this(properties.uncategorisedTasks() == UncategorisedTasks.ALL_AGENTS);
	}

	EnrollmentScopeRule(boolean uncategorisedToRestricted) {
		this.uncategorisedToRestricted = uncategorisedToRestricted;
	}

	@Override
	public boolean admits(Task task, Contender agent) {
		List<String> scope = agent.agent().enrollmentScope();
		if (scope == null) {
			return true;
		}
		List<String> required = task.requiredCapabilities();
		return required.isEmpty() ? this.uncategorisedToRestricted : scope.containsAll(required);
	}

	@Override
	public boolean binding() {
		return true;
	}

	@Override
	public Refusal refusal(Task task, Contender agent) {
		List<String> scope = Objects.requireNonNullElse(agent.agent().enrollmentScope(), List.of());
		String id = agent.agent().id().value();
		if (task.requiredCapabilities().isEmpty()) {
			return new Refusal("enrollment_scope",
					"agent '" + id + "' enrolled with a key limited to " + scope
							+ " and takes no task without required capabilities (nexus.dispatch.uncategorised-tasks)",
					Map.of("agent_id", id, "scope", scope));
		}
		List<String> outside = task.requiredCapabilities()
			.stream()
			.filter((capability) -> !scope.contains(capability))
			.toList();
		return new Refusal("enrollment_scope",
				"agent '" + id + "' enrolled with a key limited to " + scope + ", which does not cover " + outside,
				Map.of("agent_id", id, "scope", scope, "outside", outside));
	}

	@Override
	public String noneAdmits(Task task, List<? extends Contender> considered) {
		return task.requiredCapabilities().isEmpty()
				? "the task requires no capability, and every connected agent that could take it enrolled with a key,"
						+ " whose agents take only tasks within the key's capabilities"
				: "every connected agent with the capabilities enrolled with a key whose capabilities do not cover "
						+ task.requiredCapabilities();
	}

}
