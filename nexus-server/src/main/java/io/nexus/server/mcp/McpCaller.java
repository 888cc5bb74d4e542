package io.nexus.server.mcp;

import java.util.Optional;

import io.nexus.server.security.ApiKeyAuthentication;
import io.nexus.server.security.Role;
import io.modelcontextprotocol.spec.McpSchema;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;

/**
 * Who calls a tool: the bearer token's principal and role, and the MCP client that said
 * who it is in {@code initialize}.
 *
 * @param authentication the caller's authentication, as the REST API sees it
 * @param address the client's address
 * @param client the client's name and version from {@code initialize}
 */
record McpCaller(Authentication authentication, @Nullable String address, String client) {

	static McpCaller of(Authentication authentication, @Nullable String address,
			McpSchema.@Nullable Implementation info) {
		String client = (info == null) ? "unknown" : clean(info.name()) + "/" + clean(info.version());
		return new McpCaller(authentication, address, client);
	}

	String name() {
		return this.authentication.getName();
	}

	Optional<Role> role() {
		return Role.of(this.authentication.getAuthorities());
	}

	/**
	 * What the audit log says of the caller besides its name.
	 * @return the client and, for an API key, its id
	 */
	String describe() {
		String key = (this.authentication instanceof ApiKeyAuthentication apiKey) ? " key=" + apiKey.keyId() : "";
		return "mcp client=" + this.client + key;
	}

	private static String clean(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return "?";
		}
		String printable = value.replaceAll("[^\\x20-\\x7E]", "?").strip();
		return (printable.length() > 60) ? printable.substring(0, 60) : printable;
	}

}
