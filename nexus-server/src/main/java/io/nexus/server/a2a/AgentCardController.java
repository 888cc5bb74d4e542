package io.nexus.server.a2a;

import java.util.concurrent.TimeUnit;

import io.nexus.server.security.SecurityProperties;
import io.nexus.server.shared.Hashing;
import io.swagger.v3.oas.annotations.Hidden;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The Agent Card at {@code /.well-known/agent-card.json}: Nexus as one A2A agent whose
 * skills are the capabilities its registered agents offer. Public, as the specification
 * allows (it names capabilities, nothing else); every call on the interface it names
 * needs a Nexus API key or access token. Cached by clients for
 * {@code nexus.a2a.card-max-age}, with an {@code ETag} ({@code 304} on a matching
 * {@code If-None-Match}).
 */
@RestController
@Hidden
@ConditionalOnProperty(name = "nexus.a2a.enabled", havingValue = "true", matchIfMissing = true)
class AgentCardController {

	static final String PATH = "/.well-known/agent-card.json";

	private final A2aTaskRows rows;

	private final A2aProperties properties;

	private final SecurityProperties.Oidc oidc;

	private final JsonMapper json;

	private final A2aPushProperties push;

	AgentCardController(A2aTaskRows rows, A2aProperties properties, SecurityProperties security, JsonMapper json,
			A2aPushProperties push) {
		this.push = push;
		this.rows = rows;
		this.properties = properties;
		this.oidc = security.oidc();
		this.json = json;
	}

	@GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<String> serve(
			@RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) @Nullable String ifNoneMatch) {
		String body = this.json.writeValueAsString(card(baseUrl()));
		String etag = "\"" + Hashing.sha256Hex(body).substring(0, 32) + "\"";
		CacheControl cache = CacheControl.maxAge(this.properties.cardMaxAge().toSeconds(), TimeUnit.SECONDS)
			.cachePublic();
		if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.strip().equals("*"))) {
			return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).cacheControl(cache).build();
		}
		return ResponseEntity.ok().eTag(etag).cacheControl(cache).contentType(MediaType.APPLICATION_JSON).body(body);
	}

	ObjectNode card(String baseUrl) {
		ObjectNode card = this.json.createObjectNode();
		card.put("name", this.properties.name());
		card.put("description", this.properties.description());
		ArrayNode interfaces = card.putArray("supportedInterfaces");
		addInterface(interfaces, baseUrl + A2aController.PATH, "JSONRPC");
		addInterface(interfaces, baseUrl + A2aRestController.BASE, "HTTP+JSON");
		ObjectNode provider = card.putObject("provider");
		provider.put("organization", "Nexus");
		provider.put("url", baseUrl);
		String version = AgentCardController.class.getPackage().getImplementationVersion();
		card.put("version", (version != null) ? version : "dev");
		ObjectNode capabilities = card.putObject("capabilities");
		capabilities.put("streaming", true);
		capabilities.put("pushNotifications", this.push.enabled());
		capabilities.put("extendedAgentCard", false);
		security(card);
		card.putArray("defaultInputModes").add("text/plain").add("application/json");
		card.putArray("defaultOutputModes").add("application/json").add("text/plain");
		ArrayNode skills = card.putArray("skills");
		for (A2aTaskRows.Offer offer : this.rows.offers()) {
			ObjectNode skill = skills.addObject();
			skill.put("id", offer.capability());
			skill.put("name", offer.capability());
			skill.put("description",
					"Tasks needing the capability '" + offer.capability() + "', run by one of the " + offer.agents()
							+ " Nexus agent(s) that offer it. Send with metadata.skill = '" + offer.capability()
							+ "'.");
			skill.putArray("tags").add("nexus").add(offer.capability());
		}
		return card;
	}

	private static void addInterface(ArrayNode interfaces, String url, String binding) {
		ObjectNode entry = interfaces.addObject();
		entry.put("url", url);
		entry.put("protocolBinding", binding);
		entry.put("protocolVersion", A2aRequests.VERSION);
	}

	/**
	 * The schemes a client may authenticate with, either one: a Nexus API key or access
	 * token as a bearer token, and, with single sign-on configured, an access token of
	 * the OpenID Connect issuer (whose discovery document names its endpoints).
	 */
	private void security(ObjectNode card) {
		ObjectNode schemes = card.putObject("securitySchemes");
		ObjectNode bearer = schemes.putObject("bearer").putObject("httpAuthSecurityScheme");
		bearer.put("scheme", "Bearer");
		bearer.put("description", "A Nexus API key (nxk_...) or an access token from /api/auth/login; "
				+ "reading tasks needs the viewer role, sending and cancelling the operator role");
		ArrayNode requirements = card.putArray("securityRequirements");
		requirements.addObject().putObject("schemes").putObject("bearer").putArray("list");
		String issuer = this.oidc.issuerUri();
		if (issuer != null && !issuer.isBlank()) {
			ObjectNode openId = schemes.putObject("oidc").putObject("openIdConnectSecurityScheme");
			openId.put("openIdConnectUrl", issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
			openId.put("description", "An access token of the single sign-on issuer, sent as a bearer token; "
					+ "its roles claim gives the Nexus role");
			requirements.addObject().putObject("schemes").putObject("oidc").putArray("list");
		}
	}

	private String baseUrl() {
		String configured = this.properties.publicUrl();
		if (configured != null && !configured.isBlank()) {
			return configured.replaceAll("/+$", "");
		}
		return ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
	}

}
