package io.nexus.protocol.frames;

import org.jspecify.annotations.Nullable;

/**
 * A message between agents. The sender names one recipient ({@code to_agent}) or a
 * capability that every recipient has ({@code to_capability}); Nexus delivers it with
 * {@code from_agent} set.
 *
 * @param type always {@value #TYPE}
 * @param id optional frame id
 * @param toAgent the recipient agent
 * @param toCapability the capability every recipient has
 * @param fromAgent the sender, set by Nexus on delivery
 * @param body free-form JSON
 */
public record AgentMessage(String type, @Nullable String id, @Nullable String toAgent, @Nullable String toCapability,
		@Nullable String fromAgent, @Nullable Object body) implements AgentFrame, ServerFrame {

	/** The wire name, the same in both directions. */
	public static final String TYPE = "message";

	/**
	 * The message as delivered to a recipient.
	 * @param sender the agent that sent it
	 * @return a copy with {@code from_agent} set
	 */
	public AgentMessage deliveredFrom(String sender) {
		return new AgentMessage(TYPE, null, this.toAgent, this.toCapability, sender, this.body);
	}

}
