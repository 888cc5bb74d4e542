package io.nexus.server.tracing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tracing settings ({@code nexus.tracing.*}).
 *
 * @param enabled whether Nexus records spans; set at start-up from whether an OTLP
 * endpoint is configured ({@code NEXUS_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_*})
 */
@Validated
@ConfigurationProperties("nexus.tracing")
record TracingProperties(@DefaultValue("false") boolean enabled) {

}
