package io.nexus.server.tracing;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Turns tracing on only when an OTLP endpoint is configured: Spring Boot's
 * {@value #ENDPOINT}, or else {@code NEXUS_OTLP_ENDPOINT},
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_ENDPOINT}.
 * Without one, the OpenTelemetry tracer is not even created (Micrometer's no-op tracer
 * takes its place), so an untraced Nexus pays nothing for tracing.
 */
public class TracingEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";

	static final String EXPORT_ENABLED = "management.tracing.export.enabled";

	static final String OTEL_TRACING = "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure."
			+ "OpenTelemetryTracingAutoConfiguration";

	private static final String TRACES_PATH = "/v1/traces";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> properties = new HashMap<>();
		String endpoint = environment.getProperty(ENDPOINT);
		if (!StringUtils.hasText(endpoint)) {
			endpoint = tracesEndpoint(environment.getProperty("NEXUS_OTLP_ENDPOINT"),
					environment.getProperty("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
					environment.getProperty("OTEL_EXPORTER_OTLP_ENDPOINT"));
			if (endpoint != null) {
				properties.put(ENDPOINT, endpoint);
			}
		}
		boolean enabled = StringUtils.hasText(endpoint)
				&& environment.getProperty(EXPORT_ENABLED, Boolean.class, Boolean.TRUE);
		properties.put("nexus.tracing.enabled", enabled);
		if (!enabled) {
			properties.put(EXPORT_ENABLED, false);
			String excluded = environment.getProperty("spring.autoconfigure.exclude");
			properties.put("spring.autoconfigure.exclude",
					StringUtils.hasText(excluded) ? excluded + "," + OTEL_TRACING : OTEL_TRACING);
		}
		environment.getPropertySources().addFirst(new MapPropertySource("nexusTracing", properties));
	}

	/**
	 * The URL to post spans to. {@code NEXUS_OTLP_ENDPOINT} and
	 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} name the collector ({@code http://jaeger:4318})
	 * and get {@code /v1/traces} appended unless they end with it;
	 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} is used as it is, as the OpenTelemetry
	 * specification says.
	 */
	static @Nullable String tracesEndpoint(@Nullable String nexus, @Nullable String otelTraces, @Nullable String otel) {
		if (StringUtils.hasText(nexus)) {
			return withTracesPath(nexus.strip());
		}
		if (StringUtils.hasText(otelTraces)) {
			return otelTraces.strip();
		}
		if (StringUtils.hasText(otel)) {
			return withTracesPath(otel.strip());
		}
		return null;
	}

	private static String withTracesPath(String base) {
		String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
		return trimmed.endsWith(TRACES_PATH) ? trimmed : trimmed + TRACES_PATH;
	}

}
