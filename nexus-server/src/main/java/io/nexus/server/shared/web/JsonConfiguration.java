package io.nexus.server.shared.web;

import java.util.List;

import io.nexus.server.shared.Limits;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The JSON mapper of the API: Boot's, built on a factory that refuses documents nested
 * deeper than {@link Limits#MAX_JSON_DEPTH}, so that hostile input cannot exhaust the
 * stack.
 */
@Configuration(proxyBeanMethods = false)
class JsonConfiguration {

	@Bean
	JsonMapper jsonMapper(List<JsonMapperBuilderCustomizer> customizers) {
		JsonFactory factory = JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Limits.MAX_JSON_DEPTH).build())
			.build();
		JsonMapper.Builder builder = JsonMapper.builder(factory);
		customizers.forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

}
