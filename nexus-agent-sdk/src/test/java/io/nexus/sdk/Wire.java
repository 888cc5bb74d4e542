package io.nexus.sdk;

import java.io.IOException;

import io.nexus.protocol.frames.Frame;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads and writes frames on a {@link FakeNexusServer.Connection} the way Nexus would.
 */
final class Wire {

	private static final JsonMapper plain = JsonMapper.builder().build();

	private static final FrameCodec codec = new FrameCodec();

	private Wire() {
	}

	/**
	 * The next frame the agent sent, which must be of the given type.
	 * @param connection the connection
	 * @param type the expected type
	 * @return the frame as a tree
	 */
	static JsonNode expect(FakeNexusServer.Connection connection, String type) throws InterruptedException {
		JsonNode frame = plain.readTree(connection.nextText());
		assertThat(frame.path("type").asString()).as("type of %s", frame).isEqualTo(type);
		return frame;
	}

	static void send(FakeNexusServer.Connection connection, Frame frame) throws IOException {
		connection.send(codec.encode(frame));
	}

	static void send(FakeNexusServer.Connection connection, String json) throws IOException {
		connection.send(json);
	}

}
