package io.nexus.server.ops;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * Turns on the PostgreSQL driver's rewriting of batched {@code INSERT}s into multi-row
 * statements ({@code reWriteBatchedInserts}), so that creating a batch of tasks, their
 * capabilities and their history costs a few round trips instead of one per row. Left
 * alone when the URL or the pool already sets it.
 */
@Component
class PostgresBatchInserts implements BeanPostProcessor {

	private static final String PROPERTY = "reWriteBatchedInserts";

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null
				&& pool.getJdbcUrl().startsWith("jdbc:postgresql:") && !pool.getJdbcUrl().contains(PROPERTY)
				&& !pool.getDataSourceProperties().containsKey(PROPERTY)) {
			pool.addDataSourceProperty(PROPERTY, "true");
		}
		return bean;
	}

}
