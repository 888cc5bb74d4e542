package io.nexus.sdk;

import java.lang.System.Logger.Level;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nexus.protocol.frames.Frame;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns frames into JSON text and back: snake_case field names, {@code null} fields left
 * out, unknown fields and unknown frame types ignored so that a newer server does not
 * break an older agent.
 */
final class FrameCodec {

	private static final System.Logger logger = System.getLogger(FrameCodec.class.getName());

	private final JsonMapper mapper = JsonMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.disable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
		.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
		.build();

	/**
	 * Writes a frame.
	 * @param frame the frame
	 * @return its JSON text
	 */
	String encode(Frame frame) {
		return this.mapper.writeValueAsString(frame);
	}

	/**
	 * Reads a frame. Text that is not a frame, or a frame of a type this SDK does not
	 * know, is logged and skipped.
	 * @param text the JSON text
	 * @return the frame, or empty
	 */
	Optional<Frame> decode(String text) {
		JsonNode tree;
		try {
			tree = this.mapper.readTree(text);
		}
		catch (JacksonException ex) {
			logger.log(Level.WARNING, "Ignoring a frame that is not JSON: {0}", ex.getOriginalMessage());
			return Optional.empty();
		}
		String type = tree.path("type").asString("");
		if (!tree.isObject() || type.isEmpty()) {
			logger.log(Level.WARNING, "Ignoring a frame without a type");
			return Optional.empty();
		}
		try {
			Frame frame = this.mapper.treeToValue(tree, Frame.class);
			if (frame == null) {
				logger.log(Level.INFO, "Ignoring a frame of unknown type ''{0}''", type);
			}
			return Optional.ofNullable(frame);
		}
		catch (JacksonException ex) {
			logger.log(Level.WARNING, "Ignoring an invalid ''{0}'' frame: {1}", type, ex.getOriginalMessage());
			return Optional.empty();
		}
	}

}
