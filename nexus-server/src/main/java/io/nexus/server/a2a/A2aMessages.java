package io.nexus.server.a2a;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nexus.protocol.TaskPriority;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.NexusException;
import io.nexus.server.tasks.AgentSelector;
import io.nexus.server.tasks.NewTask;
import io.nexus.server.tasks.TaskProperties;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * What an A2A message means for Nexus: its parts checked, the task it asks for (the skill
 * as the capability, the text as the title, the parts as the payload, the metadata's
 * priority, labels and fairness key), or the answer it gives to a task's question.
 */
@Component
class A2aMessages {

	/** At most this many parts in one message. */
	static final int MAX_PARTS = 100;

	private final TaskProperties defaults;

	private final JsonMapper json;

	A2aMessages(TaskProperties defaults, JsonMapper json) {
		this.defaults = defaults;
		this.json = json;
	}

	NewTask newTask(String messageId, String contextId, List<ObjectNode> parts, Map<String, JsonNode> metadata) {
		String skill = metadataText(metadata, "skill");
		if (skill == null) {
			throw A2aError.invalidParams(
					"metadata.skill is required: the capability the task needs (one of the Agent Card's skills)");
		}
		if (!skill.matches(Limits.NAME_PATTERN)) {
			throw A2aError.invalidParams("metadata.skill '" + shorten(skill) + "' is not a capability name");
		}
		TaskPriority priority = TaskPriority.MEDIUM;
		String wantedPriority = metadataText(metadata, "priority");
		if (wantedPriority != null) {
			try {
				priority = TaskPriority.fromWireName(wantedPriority);
			}
			catch (IllegalArgumentException ex) {
				throw A2aError.invalidParams("metadata.priority must be low, medium, high or critical");
			}
		}
		String fairnessKey = metadataText(metadata, "fairness_key");
		if (fairnessKey != null && !fairnessKey.matches(Limits.FAIRNESS_KEY_PATTERN)) {
			throw A2aError.invalidParams("metadata.fairness_key '" + shorten(fairnessKey) + "' is not a fairness key");
		}
		AgentSelector selector = null;
		JsonNode labels = metadata.get("labels");
		if (labels != null && !labels.isNull()) {
			if (!labels.isObject()) {
				throw A2aError.invalidParams("metadata.labels must be an object of label keys and string values");
			}
			Map<String, String> matchLabels = new LinkedHashMap<>();
			for (var entry : labels.properties()) {
				if (!entry.getValue().isString()) {
					throw A2aError.invalidParams("metadata.labels." + shorten(entry.getKey()) + " must be a string");
				}
				matchLabels.put(entry.getKey(), entry.getValue().asString());
			}
			try {
				selector = matchLabels.isEmpty() ? null : AgentSelector.of(matchLabels, null);
			}
			catch (NexusException ex) {
				throw A2aError.invalidParams("metadata.labels: " + ex.getMessage());
			}
		}
		String text = text(parts);
		String title = metadataText(metadata, "title");
		if (title == null) {
			title = text.isBlank() ? "A2A message " + messageId : text;
		}
		title = plain(title, Limits.MAX_TITLE);
		if (title.isEmpty()) {
			title = "A2A message";
		}
		return new NewTask(null, title, null, priority, skill, List.of(skill), List.of(),
				payload(messageId, contextId, parts, text), null, this.defaults.defaultMaxAttempts(),
				this.defaults.defaultTimeoutSeconds(), "a2a:" + messageId, selector, fairnessKey);
	}

	/**
	 * The answer a follow-up message gives: the value of its one data part, else its
	 * text, else its parts.
	 */
	JsonNode answerOf(List<ObjectNode> parts) {
		List<ObjectNode> data = parts.stream().filter((part) -> part.has("data")).toList();
		if (parts.size() == 1 && data.size() == 1) {
			return data.get(0).get("data");
		}
		if (data.isEmpty() && parts.stream().allMatch((part) -> part.has("text"))) {
			return this.json.getNodeFactory().stringNode(text(parts));
		}
		ArrayNode all = this.json.createArrayNode();
		parts.forEach(all::add);
		return all;
	}

	/**
	 * The payload the agent gets: the message's text (joined), its one data part's value
	 * (when it has exactly one), all its parts, and where it came from.
	 */
	private String payload(String messageId, String contextId, List<ObjectNode> parts, String text) {
		ObjectNode payload = this.json.createObjectNode();
		if (!text.isEmpty()) {
			payload.put("text", text);
		}
		List<ObjectNode> data = parts.stream().filter((part) -> part.has("data")).toList();
		if (data.size() == 1) {
			payload.set("data", data.get(0).get("data"));
		}
		ArrayNode all = payload.putArray("parts");
		parts.forEach(all::add);
		ObjectNode a2a = payload.putObject("a2a");
		a2a.put("messageId", messageId);
		a2a.put("contextId", contextId);
		String serialized = this.json.writeValueAsString(payload);
		int size = serialized.getBytes(StandardCharsets.UTF_8).length;
		if (size > Limits.MAX_PAYLOAD_BYTES) {
			throw new A2aError(A2aError.INVALID_PARAMS,
					"The message is larger than " + Limits.MAX_PAYLOAD_BYTES + " bytes as a task payload",
					Map.of("maxBytes", Limits.MAX_PAYLOAD_BYTES, "bytes", size));
		}
		return serialized;
	}

	static List<ObjectNode> parts(ObjectNode message) {
		JsonNode node = message.get("parts");
		if (node == null || !node.isArray() || node.isEmpty()) {
			throw A2aError.invalidParams("message.parts must be a non-empty list");
		}
		if (node.size() > MAX_PARTS) {
			throw A2aError.invalidParams("message.parts may hold at most " + MAX_PARTS + " parts");
		}
		List<ObjectNode> parts = new ArrayList<>();
		for (JsonNode part : node) {
			if (!(part instanceof ObjectNode object)) {
				throw A2aError.invalidParams("message.parts holds something that is not a Part object");
			}
			int kinds = 0;
			for (String kind : List.of("text", "raw", "url", "data")) {
				if (object.has(kind) && !object.get(kind).isNull()) {
					kinds++;
				}
			}
			if (kinds != 1) {
				throw A2aError.invalidParams("Each part must have exactly one of text, raw, url or data");
			}
			if (object.has("text") && !object.get("text").isString()) {
				throw A2aError.invalidParams("A text part's text must be a string");
			}
			parts.add(object);
		}
		return parts;
	}

	private static String text(List<ObjectNode> parts) {
		StringBuilder text = new StringBuilder();
		for (ObjectNode part : parts) {
			if (part.has("text")) {
				if (!text.isEmpty()) {
					text.append('\n');
				}
				text.append(part.get("text").asString());
			}
		}
		return text.toString();
	}

	/** One line of plain text, without control characters or lone surrogates, cut. */
	static String plain(String text, int max) {
		StringBuilder out = new StringBuilder();
		text.codePoints().forEach((c) -> {
			if (Character.isISOControl(c) || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
				out.append(' ');
			}
			else {
				out.appendCodePoint(c);
			}
		});
		String line = out.toString().strip().replaceAll(" {2,}", " ");
		if (line.codePointCount(0, line.length()) > max) {
			line = line.substring(0, line.offsetByCodePoints(0, max - 1)) + "…";
		}
		return line;
	}

	private static @Nullable String metadataText(Map<String, JsonNode> metadata, String name) {
		JsonNode value = metadata.get(name);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw A2aError.invalidParams("metadata." + name + " must be a string");
		}
		return value.asString();
	}

	private static String shorten(String value) {
		return (value.length() > 80) ? value.substring(0, 80) + "…" : value;
	}

}
