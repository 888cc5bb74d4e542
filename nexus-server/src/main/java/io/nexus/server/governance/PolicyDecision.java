package io.nexus.server.governance;

import java.util.Locale;

/**
 * What one placement policy decides for a task on an agent.
 */
public enum PolicyDecision {

	/** Its match condition does not hold: it has nothing to say. */
	NOT_MATCHED,
	/** It matches and the agent satisfies its require condition. */
	ADMITS,
	/** It matches and denies the task, or the agent fails its require condition. */
	DENIES,
	/** A condition failed to evaluate: the pair is denied (fail closed). */
	ERROR;

	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

}
