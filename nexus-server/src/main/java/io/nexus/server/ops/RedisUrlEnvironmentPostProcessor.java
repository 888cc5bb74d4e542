package io.nexus.server.ops;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Reads {@code REDIS_URL} ({@code redis://[user:pass@]host:port[/db]}, or
 * {@code rediss://} for TLS) into {@code spring.data.redis.url}. Without a Redis URL,
 * Boot's Redis auto-configuration is switched off, so that Nexus neither connects to
 * Redis nor reports it in {@code /health}; with one, Boot makes the connection and Nexus
 * keeps its shared counters there (docs/security.md). Boot's own Redis health indicator,
 * reactive template, repositories and command observations are always off: Nexus reports
 * the component {@code redis} itself.
 */
public class RedisUrlEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String VARIABLE = "REDIS_URL";

	static final String URL = "spring.data.redis.url";

	private static final String PACKAGE = "org.springframework.boot.data.redis.autoconfigure.";

	static final String CONNECTION = PACKAGE + "DataRedisAutoConfiguration";

	static final List<String> ALWAYS_EXCLUDED = List.of(PACKAGE + "DataRedisReactiveAutoConfiguration",
			PACKAGE + "DataRedisRepositoriesAutoConfiguration",
			PACKAGE + "health.DataRedisHealthContributorAutoConfiguration",
			PACKAGE + "health.DataRedisReactiveHealthContributorAutoConfiguration",
			PACKAGE + "observation.LettuceObservationAutoConfiguration");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> properties = new HashMap<>();
		String url = environment.getProperty(URL);
		if (!StringUtils.hasText(url)) {
			String variable = environment.getProperty(VARIABLE);
			if (StringUtils.hasText(variable)) {
				url = variable.strip();
				if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
					throw new IllegalArgumentException("REDIS_URL must look like redis://[user:pass@]host:port[/db] "
							+ "or rediss://...; got another scheme");
				}
				properties.put(URL, url);
			}
		}
		List<String> excluded = new ArrayList<>();
		String existing = environment.getProperty("spring.autoconfigure.exclude");
		if (StringUtils.hasText(existing)) {
			excluded.add(existing);
		}
		excluded.addAll(ALWAYS_EXCLUDED);
		if (!StringUtils.hasText(url)) {
			excluded.add(CONNECTION);
		}
		properties.put("spring.autoconfigure.exclude", String.join(",", excluded));
		environment.getPropertySources().addFirst(new MapPropertySource("nexusRedisUrl", properties));
	}

}
