package io.nexus.server.a2a.remote;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import io.nexus.server.shared.Limits;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What Nexus reads from a remote agent's Agent Card (A2A 1.0): its name, the JSON-RPC
 * interface it is called at, whether it streams, and its skills, which become the agent's
 * capabilities.
 *
 * @param name the card's name
 * @param rpcUrl the URL of its JSON-RPC interface
 * @param streaming whether it offers {@code SendStreamingMessage}
 * @param capabilities the skill ids, as capability names
 */
record AgentCard(String name, URI rpcUrl, boolean streaming, List<String> capabilities) {

	private static final Pattern NOT_IN_NAME = Pattern.compile("[^A-Za-z0-9_.:/-]");

	private static final Pattern CAPABILITY = Pattern.compile(Limits.NAME_PATTERN);

	/**
	 * Reads a card.
	 * @param card the card's JSON
	 * @return what Nexus uses of it
	 * @throws InvalidCardException if it is not an A2A 1.0 agent card with a JSON-RPC
	 * interface and at least one skill
	 */
	static AgentCard read(JsonNode card) {
		if (card == null || !card.isObject()) {
			throw new InvalidCardException("the card is not a JSON object");
		}
		String name = text(card, "name");
		if (name == null || name.isBlank()) {
			throw new InvalidCardException("the card has no name");
		}
		URI rpcUrl = null;
		JsonNode interfaces = card.get("supportedInterfaces");
		if (interfaces != null && interfaces.isArray()) {
			for (JsonNode candidate : interfaces) {
				String binding = text(candidate, "protocolBinding");
				String version = text(candidate, "protocolVersion");
				if ("JSONRPC".equalsIgnoreCase(binding) && (version == null || version.startsWith("1"))
						&& text(candidate, "url") != null) {
					rpcUrl = uri(text(candidate, "url"));
					break;
				}
			}
		}
		if (rpcUrl == null) {
			throw new InvalidCardException(
					"the card names no A2A 1.0 JSON-RPC interface (supportedInterfaces with protocolBinding JSONRPC)");
		}
		JsonNode capabilities = card.get("capabilities");
		boolean streaming = capabilities != null && capabilities.path("streaming").asBoolean(false);
		Set<String> skills = new LinkedHashSet<>();
		JsonNode skillNodes = card.get("skills");
		if (skillNodes != null && skillNodes.isArray()) {
			for (JsonNode skill : skillNodes) {
				String id = capability(text(skill, "id"));
				if (id != null && skills.size() < Limits.MAX_CAPABILITIES) {
					skills.add(id);
				}
			}
		}
		if (skills.isEmpty()) {
			throw new InvalidCardException("the card has no skills with an id");
		}
		String shortName = name.strip();
		return new AgentCard((shortName.length() > 200) ? shortName.substring(0, 200) : shortName, rpcUrl, streaming,
				new ArrayList<>(skills));
	}

	/**
	 * A skill id as a capability name: characters a name may not have become {@code -},
	 * and it is cut to 64 characters.
	 */
	static @Nullable String capability(@Nullable String skillId) {
		if (skillId == null || skillId.isBlank()) {
			return null;
		}
		String name = NOT_IN_NAME.matcher(skillId.strip()).replaceAll("-");
		if (name.length() > 64) {
			name = name.substring(0, 64);
		}
		return CAPABILITY.matcher(name).matches() ? name : null;
	}

	private static URI uri(@Nullable String value) {
		try {
			URI uri = new URI(String.valueOf(value));
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
				throw new InvalidCardException("the JSON-RPC interface URL is not an http(s) URL");
			}
			return uri;
		}
		catch (URISyntaxException ex) {
			throw new InvalidCardException("the JSON-RPC interface URL is not a valid URL");
		}
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	/**
	 * A card Nexus cannot use.
	 */
	static final class InvalidCardException extends RuntimeException {

		InvalidCardException(String message) {
			super(message);
		}

	}

}
