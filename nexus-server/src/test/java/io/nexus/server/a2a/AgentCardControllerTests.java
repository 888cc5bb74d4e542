package io.nexus.server.a2a;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.nexus.server.security.SecurityProperties;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Agent Card names both bindings and the schemes a client may authenticate with: the
 * bearer scheme always, OpenID Connect when single sign-on is configured; its ETag
 * follows its content.
 */
class AgentCardControllerTests {

	private static final JsonMapper JSON = JsonMapper.shared();

	@Test
	void namesTheJsonRpcAndHttpJsonInterfaces() {
		JsonNode card = JSON.readTree(card(Map.of()).serve(null).getBody());
		assertThat(card.path("supportedInterfaces").findValuesAsString("protocolBinding")).containsExactly("JSONRPC",
				"HTTP+JSON");
		assertThat(card.path("supportedInterfaces").findValuesAsString("url"))
			.containsExactly("https://nexus.example.com/api/a2a", "https://nexus.example.com/api/a2a/v1");
		assertThat(card.path("supportedInterfaces").findValuesAsString("protocolVersion")).containsOnly("1.0");
	}

	@Test
	void offersOnlyTheBearerSchemeWithoutSingleSignOn() {
		JsonNode card = JSON.readTree(card(Map.of()).serve(null).getBody());
		assertThat(card.path("securitySchemes").propertyNames()).containsExactly("bearer");
		assertThat(card.path("securityRequirements")).hasSize(1);
	}

	@Test
	void offersOpenIdConnectBesidesTheBearerSchemeWhenSingleSignOnIsConfigured() {
		AgentCardController controller = card(
				Map.of("nexus.security.oidc.issuer-uri", "https://idp.example.com/realms/nexus/"));
		ResponseEntity<String> answer = controller.serve(null);
		JsonNode card = JSON.readTree(answer.getBody());
		assertThat(card.path("securitySchemes")
			.path("oidc")
			.path("openIdConnectSecurityScheme")
			.path("openIdConnectUrl")
			.asString()).isEqualTo("https://idp.example.com/realms/nexus/.well-known/openid-configuration");
		List<List<String>> requirements = card.path("securityRequirements")
			.valueStream()
			.map((requirement) -> List.copyOf(requirement.path("schemes").propertyNames()))
			.toList();
		assertThat(requirements).as("either scheme, each alone").containsExactly(List.of("bearer"), List.of("oidc"));

		String etag = answer.getHeaders().getETag();
		assertThat(etag).isNotEqualTo(card(Map.of()).serve(null).getHeaders().getETag());
		assertThat(answer.getHeaders().getCacheControl()).contains("max-age=60");
		assertThat(controller.serve(etag).getStatusCode().value()).isEqualTo(304);
	}

	private static AgentCardController card(Map<String, String> settings) {
		Map<String, String> all = new HashMap<>(settings);
		all.put("nexus.a2a.public-url", "https://nexus.example.com/");
		Binder binder = new Binder(new MapConfigurationPropertySource(all));
		A2aTaskRows rows = new A2aTaskRows(null) {

			@Override
			List<Offer> offers() {
				return List.of(new Offer("translate", 2));
			}

		};
		return new AgentCardController(rows, binder.bindOrCreate("nexus.a2a", A2aProperties.class),
				binder.bindOrCreate("nexus.security", SecurityProperties.class), JSON,
				binder.bindOrCreate("nexus.a2a.push", A2aPushProperties.class));
	}

}
