package io.nexus.server.ops;

import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * Settings of the PostgreSQL driver that Nexus needs, each left alone when the URL or the
 * pool already sets it:
 * <ul>
 * <li>{@code reWriteBatchedInserts=true}: batched {@code INSERT}s become multi-row
 * statements, so that creating a batch of tasks, their capabilities and their history
 * costs a few round trips instead of one per row;</li>
 * <li>{@code connectTimeout=5} and {@code socketTimeout=60} (seconds): a database that
 * vanishes without closing its connections (a network partition, a frozen host) fails the
 * statements waiting on it after a bound, so that they end as 503 and the node recovers,
 * instead of hanging a request or a writer thread until the operating system gives up on
 * the socket; no statement of Nexus runs anywhere near a minute;</li>
 * <li>{@code tcpKeepAlive=true}: idle pooled connections to a vanished host are
 * noticed.</li>
 * </ul>
 */
@Component
class PostgresDriverDefaults implements BeanPostProcessor {

	static final Map<String, String> DEFAULTS;

	static {
		Map<String, String> defaults = new LinkedHashMap<>();
		defaults.put("reWriteBatchedInserts", "true");
		defaults.put("connectTimeout", "5");
		defaults.put("socketTimeout", "60");
		defaults.put("tcpKeepAlive", "true");
		DEFAULTS = Map.copyOf(defaults);
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null
				&& pool.getJdbcUrl().startsWith("jdbc:postgresql:")) {
			DEFAULTS.forEach((property, value) -> {
				if (!pool.getJdbcUrl().contains(property + "=")
						&& !pool.getDataSourceProperties().containsKey(property)) {
					pool.addDataSourceProperty(property, value);
				}
			});
		}
		return bean;
	}

}
