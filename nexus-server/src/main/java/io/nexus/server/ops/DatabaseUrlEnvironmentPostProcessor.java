package io.nexus.server.ops;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Reads {@code DATABASE_URL} in the seed's libpq form
 * ({@code postgresql://user:pass@host:port/db}) or as a {@code jdbc:} URL and turns it
 * into the data source settings; without it, Nexus uses embedded H2 under
 * {@code NEXUS_DATA_DIR}.
 */
public class DatabaseUrlEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String VARIABLE = "DATABASE_URL";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String url = environment.getProperty(VARIABLE);
		if (url == null || url.isBlank()) {
			return;
		}
		environment.getPropertySources().addFirst(new MapPropertySource("nexusDatabaseUrl", translate(url.strip())));
	}

	static Map<String, Object> translate(String url) {
		Map<String, Object> properties = new HashMap<>();
		if (url.startsWith("jdbc:")) {
			properties.put("spring.datasource.url", url);
			return properties;
		}
		URI uri = URI.create(url);
		String scheme = uri.getScheme();
		if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
			throw new IllegalArgumentException(
					"DATABASE_URL must look like postgresql://user:pass@host:port/db or jdbc:...; got scheme '" + scheme
							+ "'");
		}
		String host = (uri.getHost() != null) ? uri.getHost() : "localhost";
		int port = (uri.getPort() > 0) ? uri.getPort() : 5432;
		String database = (uri.getPath() != null && uri.getPath().length() > 1) ? uri.getPath().substring(1)
				: "postgres";
		StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(host)
			.append(':')
			.append(port)
			.append('/')
			.append(database);
		if (uri.getRawQuery() != null) {
			jdbc.append('?').append(uri.getRawQuery());
		}
		properties.put("spring.datasource.url", jdbc.toString());
		String userInfo = uri.getRawUserInfo();
		if (userInfo != null) {
			int colon = userInfo.indexOf(':');
			properties.put("spring.datasource.username",
					decode((colon >= 0) ? userInfo.substring(0, colon) : userInfo));
			if (colon >= 0) {
				properties.put("spring.datasource.password", decode(userInfo.substring(colon + 1)));
			}
		}
		return properties;
	}

	private static @Nullable String decode(String value) {
		return URLDecoder.decode(value, StandardCharsets.UTF_8);
	}

}
