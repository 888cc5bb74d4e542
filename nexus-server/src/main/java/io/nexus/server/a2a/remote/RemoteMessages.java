package io.nexus.server.a2a.remote;

import java.util.ArrayList;
import java.util.List;

import io.nexus.protocol.frames.TaskAssigned;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The A2A messages of a remote agent's connection: the message an assignment is sent as,
 * and the result and texts read from what the remote agent answers.
 */
final class RemoteMessages {

	/** The longest reason or progress note taken from a remote agent's answer. */
	private static final int MAX_REASON = 480;

	private final JsonMapper json;

	RemoteMessages(JsonMapper json) {
		this.json = json;
	}

	/**
	 * The message for an assignment: the title (and description) as text, the payload as
	 * data, and the lease in {@code metadata.nexus}.
	 */
	ObjectNode request(TaskAssigned assigned, List<String> skills) {
		ObjectNode params = this.json.createObjectNode();
		ObjectNode message = params.putObject("message");
		message.put("messageId", assigned.taskId() + "-" + assigned.leaseEpoch());
		message.put("role", "ROLE_USER");
		ArrayNode parts = message.putArray("parts");
		String text = assigned.title() + ((assigned.description() != null && !assigned.description().isBlank())
				? "\n\n" + assigned.description() : "");
		parts.addObject().put("text", text);
		if (assigned.payload() != null) {
			parts.addObject().set("data", this.json.valueToTree(assigned.payload()));
		}
		ObjectNode nexus = this.json.createObjectNode();
		nexus.put("taskId", assigned.taskId());
		nexus.put("leaseEpoch", assigned.leaseEpoch());
		nexus.put("attempt", assigned.attempt());
		nexus.put("timeoutSeconds", assigned.timeoutSeconds());
		ObjectNode messageMetadata = message.putObject("metadata");
		messageMetadata.set("nexus", nexus);
		String skill = assigned.requiredCapabilities().stream().filter(skills::contains).findFirst().orElse(null);
		if (skill != null) {
			messageMetadata.put("skill", skill);
		}
		params.putObject("metadata").set("nexus", nexus.deepCopy());
		return params;
	}

	/**
	 * A task's result from the remote agent's artifacts (or message): one data part is
	 * the result itself, one text part becomes {@code {"text": ...}}, anything else
	 * {@code {"artifacts": [...]}} as the remote agent sent them.
	 */
	@Nullable Object resultOf(List<JsonNode> artifacts) {
		List<JsonNode> parts = new ArrayList<>();
		artifacts.forEach((artifact) -> artifact.path("parts").forEach(parts::add));
		if (parts.isEmpty()) {
			return null;
		}
		if (parts.size() == 1 && parts.get(0).has("data")) {
			return parts.get(0).get("data");
		}
		if (parts.size() == 1 && parts.get(0).path("text").isString()) {
			ObjectNode text = this.json.createObjectNode();
			text.put("text", parts.get(0).get("text").asString());
			return text;
		}
		ObjectNode all = this.json.createObjectNode();
		ArrayNode list = all.putArray("artifacts");
		artifacts.forEach(list::add);
		return all;
	}

	static @Nullable String text(JsonNode message) {
		StringBuilder text = new StringBuilder();
		message.path("parts").forEach((part) -> {
			if (part.path("text").isString()) {
				text.append((text.length() > 0) ? " " : "").append(part.get("text").asString());
			}
		});
		return (text.length() > 0) ? text.toString() : null;
	}

	static String said(@Nullable String text) {
		return (text != null) ? ": " + text : "";
	}

	static String cut(String text) {
		return (text.length() > MAX_REASON) ? text.substring(0, MAX_REASON) : text;
	}

}
