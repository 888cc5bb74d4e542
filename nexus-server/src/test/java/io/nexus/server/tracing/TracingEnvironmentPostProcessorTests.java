package io.nexus.server.tracing;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class TracingEnvironmentPostProcessorTests {

	private final MockEnvironment environment = new MockEnvironment();

	private void postProcess() {
		new TracingEnvironmentPostProcessor().postProcessEnvironment(this.environment, new SpringApplication());
	}

	@Test
	void withoutAnEndpointTracingIsOffAndTheTracerIsNotCreated() {
		this.environment.setProperty("spring.autoconfigure.exclude", "com.example.Other");
		postProcess();
		assertThat(this.environment.getProperty("nexus.tracing.enabled")).isEqualTo("false");
		assertThat(this.environment.getProperty("management.tracing.export.enabled")).isEqualTo("false");
		assertThat(this.environment.getProperty("spring.autoconfigure.exclude"))
			.isEqualTo("com.example.Other," + TracingEnvironmentPostProcessor.OTEL_TRACING);
	}

	@Test
	void nexusVariableNamesTheCollector() {
		this.environment.setProperty("NEXUS_OTLP_ENDPOINT", "http://jaeger:4318/");
		this.environment.setProperty("OTEL_EXPORTER_OTLP_ENDPOINT", "http://other:4318");
		postProcess();
		assertThat(this.environment.getProperty(TracingEnvironmentPostProcessor.ENDPOINT))
			.isEqualTo("http://jaeger:4318/v1/traces");
		assertThat(this.environment.getProperty("nexus.tracing.enabled")).isEqualTo("true");
		assertThat(this.environment.getProperty("spring.autoconfigure.exclude")).isNull();
	}

	@Test
	void openTelemetryVariablesFollowTheSpecification() {
		assertThat(TracingEnvironmentPostProcessor.tracesEndpoint(null, null, "http://collector:4318"))
			.isEqualTo("http://collector:4318/v1/traces");
		assertThat(TracingEnvironmentPostProcessor.tracesEndpoint(null, "http://collector:4318/custom",
				"http://ignored:4318"))
			.isEqualTo("http://collector:4318/custom");
		assertThat(TracingEnvironmentPostProcessor.tracesEndpoint(" ", null, null)).isNull();
	}

	@Test
	void springBootPropertyWinsAndExportCanStillBeSwitchedOff() {
		this.environment.setProperty(TracingEnvironmentPostProcessor.ENDPOINT, "http://boot:4318/v1/traces");
		this.environment.setProperty("NEXUS_OTLP_ENDPOINT", "http://jaeger:4318");
		this.environment.setProperty("management.tracing.export.enabled", "false");
		postProcess();
		assertThat(this.environment.getProperty(TracingEnvironmentPostProcessor.ENDPOINT))
			.isEqualTo("http://boot:4318/v1/traces");
		assertThat(this.environment.getProperty("nexus.tracing.enabled")).isEqualTo("false");
	}

}
