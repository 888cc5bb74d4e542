package io.nexus.server.security;

import io.nexus.server.agents.AgentId;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskNotFoundException;
import io.nexus.server.tasks.TaskService;

import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.stereotype.Component;

/**
 * What agent principals may do on the REST API: read and update their own record, read
 * their own resource history, and read tasks leased to them. Everyone else is judged by
 * role.
 */
@Component
class AgentAccessRules {

	private final TaskService tasks;

	AgentAccessRules(TaskService tasks) {
		this.tasks = tasks;
	}

	/**
	 * The path variable {@code id} is the calling agent, or the caller has a role.
	 * @param roles the roles that may act on any agent
	 * @return the rule
	 */
	AuthorizationManager<RequestAuthorizationContext> selfOr(String... roles) {
		AuthorizationManager<RequestAuthorizationContext> byRole = AuthorityAuthorizationManager.hasAnyRole(roles);
		return (authentication, context) -> {
			Authentication caller = authentication.get();
			if (caller instanceof AgentAuthentication agent) {
				return new AuthorizationDecision(agent.agentId().value().equals(context.getVariables().get("id")));
			}
			return byRole.authorize(authentication, context);
		};
	}

	/**
	 * The path variable {@code id} is a task leased to the calling agent, or the caller
	 * has a role.
	 * @param roles the roles that may act on any task
	 * @return the rule
	 */
	AuthorizationManager<RequestAuthorizationContext> leasedOr(String... roles) {
		AuthorizationManager<RequestAuthorizationContext> byRole = AuthorityAuthorizationManager.hasAnyRole(roles);
		return (authentication, context) -> {
			Authentication caller = authentication.get();
			if (caller instanceof AgentAuthentication agent) {
				return new AuthorizationDecision(isLeasedTo(context.getVariables().get("id"), agent.agentId()));
			}
			return byRole.authorize(authentication, context);
		};
	}

	private boolean isLeasedTo(String taskId, AgentId agent) {
		try {
			return agent.equals(this.tasks.get(new TaskId(taskId)).assignedAgent());
		}
		catch (TaskNotFoundException | IllegalArgumentException ex) {
			// Agents learn nothing about tasks that are not theirs, not even whether they
			// exist.
			return false;
		}
	}

}
