package io.nexus.server.tasks;

import io.nexus.server.agents.Agent;

/**
 * Whether an operator may assign a task to an agent without forcing it, provided by the
 * dispatch module, which owns the one rule of which agent may take which task.
 */
public interface AssignmentEligibility {

	/**
	 * Refuses an assignment that the eligibility rule does not allow.
	 * @param task the queued task
	 * @param agent the agent, connected or not
	 * @param active the tasks the agent holds now (assigned or in progress)
	 * @throws io.nexus.server.shared.ConflictException named after the rule that refuses
	 * ({@code capability_mismatch}, {@code agent_unavailable}, {@code agent_full})
	 */
	void checkAssignable(Task task, Agent agent, int active);

	/**
	 * Refuses a forced assignment that a rule nothing overrides does not allow (an agent
	 * enrolled with a key runs only tasks within the key's capabilities).
	 * @param task the queued task
	 * @param agent the agent, connected or not
	 * @param active the tasks the agent holds now (assigned or in progress)
	 * @throws io.nexus.server.shared.ConflictException named after the rule that refuses
	 * ({@code enrollment_scope})
	 */
	void checkForcedAssignable(Task task, Agent agent, int active);

}
