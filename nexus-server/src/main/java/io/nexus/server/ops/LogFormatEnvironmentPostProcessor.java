package io.nexus.server.ops;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Reads {@code NEXUS_LOG_FORMAT}: {@code plain} (the default) keeps Spring Boot's text
 * lines; {@code ecs}, {@code logstash} and {@code gelf} write one JSON object per line on
 * the console in that schema ({@code logging.structured.format.console}), with the trace
 * and span ids and the agent and task ids of the log context.
 */
public class LogFormatEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String VARIABLE = "NEXUS_LOG_FORMAT";

	static final String CONSOLE_FORMAT = "logging.structured.format.console";

	private static final Set<String> STRUCTURED = Set.of("ecs", "logstash", "gelf");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String format = environment.getProperty(VARIABLE);
		if (format == null || format.isBlank() || environment.containsProperty(CONSOLE_FORMAT)) {
			return;
		}
		String name = format.strip().toLowerCase(Locale.ROOT);
		if ("plain".equals(name)) {
			return;
		}
		if (!STRUCTURED.contains(name)) {
			throw new IllegalArgumentException(
					VARIABLE + " must be plain, ecs, logstash or gelf; got '" + format.strip() + "'");
		}
		environment.getPropertySources()
			.addFirst(new MapPropertySource("nexusLogFormat", Map.of(CONSOLE_FORMAT, name)));
	}

}
