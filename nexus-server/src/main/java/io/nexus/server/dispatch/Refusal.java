package io.nexus.server.dispatch;

import java.util.Map;

/**
 * Why an agent may not take a task.
 *
 * @param code a stable code, also the problem type of a refused manual assignment
 * ({@code capability_mismatch}, {@code agent_unavailable}, {@code agent_full})
 * @param reason the reason in words, naming the agent (e.g. "agent 'a1' has no free slot
 * (4/4)")
 * @param details facts for a machine (e.g. {@code missing}: the capabilities it lacks)
 */
public record Refusal(String code, String reason, Map<String, Object> details) {

	public Refusal {
		details = Map.copyOf(details);
	}

}
