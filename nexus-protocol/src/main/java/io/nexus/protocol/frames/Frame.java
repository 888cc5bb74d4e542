package io.nexus.protocol.frames;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A WebSocket text frame of the agent protocol. Every frame is a JSON object whose
 * {@code type} names it; field names are snake_case (configure the mapper with a
 * snake-case naming strategy). See {@code docs/protocol.md}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type",
		visible = true)
@JsonSubTypes({ @JsonSubTypes.Type(value = AgentRegister.class, name = AgentRegister.TYPE),
		@JsonSubTypes.Type(value = Heartbeat.class, name = Heartbeat.TYPE),
		@JsonSubTypes.Type(value = TaskAccept.class, name = TaskAccept.TYPE),
		@JsonSubTypes.Type(value = TaskProgress.class, name = TaskProgress.TYPE),
		@JsonSubTypes.Type(value = TaskComplete.class, name = TaskComplete.TYPE),
		@JsonSubTypes.Type(value = TaskFail.class, name = TaskFail.TYPE),
		@JsonSubTypes.Type(value = StatusUpdate.class, name = StatusUpdate.TYPE),
		@JsonSubTypes.Type(value = AgentMessage.class, name = AgentMessage.TYPE),
		@JsonSubTypes.Type(value = Registered.class, name = Registered.TYPE),
		@JsonSubTypes.Type(value = TaskAssigned.class, name = TaskAssigned.TYPE),
		@JsonSubTypes.Type(value = TaskCancel.class, name = TaskCancel.TYPE),
		@JsonSubTypes.Type(value = Ack.class, name = Ack.TYPE),
		@JsonSubTypes.Type(value = ErrorFrame.class, name = ErrorFrame.TYPE),
		@JsonSubTypes.Type(value = Ping.class, name = Ping.TYPE),
		@JsonSubTypes.Type(value = InputRequest.class, name = InputRequest.TYPE),
		@JsonSubTypes.Type(value = InputResponse.class, name = InputResponse.TYPE) })
public sealed interface Frame permits AgentFrame, ServerFrame {

	/** The protocol version this contract describes. */
	int PROTOCOL_VERSION = 1;

	/**
	 * The frame's name on the wire.
	 * @return the {@code type} field
	 */
	String type();

}
