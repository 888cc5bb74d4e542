package io.nexus.server.dispatch;

import org.jspecify.annotations.Nullable;

/**
 * Whether an agent may take a task and, if not, the first rule that refused it.
 *
 * @param refusal the refusal, or {@code null} if eligible
 */
public record Verdict(@Nullable Refusal refusal) {

	static final Verdict ELIGIBLE = new Verdict(null);

	/**
	 * Whether the agent may take the task.
	 * @return {@code true} if no rule refused it
	 */
	public boolean eligible() {
		return this.refusal == null;
	}

	/**
	 * The verdict in words.
	 * @return {@code eligible}, or the refusal's reason
	 */
	public String reason() {
		return (this.refusal != null) ? this.refusal.reason() : "eligible";
	}

}
