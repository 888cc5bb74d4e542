package io.nexus.protocol.frames;

/**
 * A frame that Nexus sends to an agent.
 */
public sealed interface ServerFrame extends Frame
		permits Registered, TaskAssigned, TaskCancel, Ack, ErrorFrame, AgentMessage, Ping, InputResponse {

}
