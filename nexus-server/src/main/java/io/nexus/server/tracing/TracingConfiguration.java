package io.nexus.server.tracing;

import io.opentelemetry.api.OpenTelemetry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SdkTracerProviderBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The task spans, and the id generator that lets Nexus record the agent's work under the
 * span id the agent chose.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TracingProperties.class)
class TracingConfiguration {

	@Bean
	TaskTraces taskTraces(TracingProperties properties, ObjectProvider<OpenTelemetry> openTelemetry) {
		OpenTelemetry otel = properties.enabled() ? openTelemetry.getIfAvailable() : null;
		return (otel != null) ? new TaskTraces(otel.getTracer("io.nexus.server")) : TaskTraces.off();
	}

	@Bean
	SdkTracerProviderBuilderCustomizer chosenSpanIds() {
		return (builder) -> builder.setIdGenerator(new ChosenSpanIds());
	}

}
