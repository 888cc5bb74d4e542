package io.nexus.protocol.frames;

/**
 * A frame that an agent sends to Nexus.
 */
public sealed interface AgentFrame extends Frame permits AgentRegister, Heartbeat, TaskAccept, TaskProgress,
		TaskComplete, TaskFail, StatusUpdate, AgentMessage, InputRequest {

	/**
	 * The id the agent chose for this frame, echoed by the {@code ack} or {@code error}
	 * that answers it; may be {@code null}.
	 * @return the frame id
	 */
	String id();

}
