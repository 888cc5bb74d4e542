package io.nexus.server.dispatch;

/**
 * What the server saw an agent do with a task: the facts an agent's breaker counts (see
 * {@link AgentSignalListener}).
 */
public enum AgentSignal {

	/** It accepted an assignment. */
	ACCEPTED,
	/**
	 * It did not accept an assignment within the ack timeout while its connection lived.
	 */
	NOT_ACCEPTED,
	/** It completed a task. */
	SUCCEEDED,
	/** It reported a task failed. */
	FAILED,
	/** A task it held ran past its timeout. */
	TIMED_OUT,
	/** It reported on a lease it no longer held. */
	STALE_REPORT

}
