package io.nexus.server.tasks.web;

import java.nio.charset.StandardCharsets;

import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.Limits;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Turns the free-form JSON of a payload or result into stored text, within the size
 * limit.
 */
@Component
class TaskPayloads {

	private final JsonMapper json;

	TaskPayloads(JsonMapper json) {
		this.json = json;
	}

	@Nullable String toText(@Nullable JsonNode node, String field) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			return null;
		}
		String text = this.json.writeValueAsString(node);
		if (text.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_PAYLOAD_BYTES) {
			throw InvalidRequestException.badRequest("field_too_large",
					field + " is larger than " + Limits.MAX_PAYLOAD_BYTES + " bytes of JSON");
		}
		return text;
	}

}
