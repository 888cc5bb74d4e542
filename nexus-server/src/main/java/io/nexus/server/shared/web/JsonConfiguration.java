package io.nexus.server.shared.web;

import java.util.List;

import io.nexus.server.shared.Limits;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The JSON mapper of the API: Boot's, built on a factory that refuses documents nested
 * deeper than {@link Limits#MAX_JSON_DEPTH}, so that hostile input cannot exhaust the
 * stack, and strict about JSON types: {@code "120"} is not a number, {@code 1.5} is not
 * an integer, {@code 7} is not a name and {@code 1} is not {@code true}. Jackson's
 * default coercions would quietly turn a client's mistake into stored data.
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
		return builder.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.withCoercionConfig(LogicalType.Textual,
					(config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.build();
	}

}
