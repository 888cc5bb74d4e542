package io.nexus.server.ops;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresDriverDefaultsTests {

	private final PostgresDriverDefaults defaults = new PostgresDriverDefaults();

	@Test
	void aPostgresPoolGetsBatchRewritingAndBoundedSocketWaits() {
		HikariDataSource pool = pool("jdbc:postgresql://db:5432/nexus");
		this.defaults.postProcessBeforeInitialization(pool, "dataSource");
		assertThat(pool.getDataSourceProperties()).containsEntry("reWriteBatchedInserts", "true")
			.containsEntry("socketTimeout", "60")
			.containsEntry("connectTimeout", "5")
			.containsEntry("tcpKeepAlive", "true");
	}

	@Test
	void whatTheUrlOrThePoolSetsWins() {
		HikariDataSource pool = pool("jdbc:postgresql://db:5432/nexus?socketTimeout=300");
		pool.addDataSourceProperty("connectTimeout", "20");
		this.defaults.postProcessBeforeInitialization(pool, "dataSource");
		assertThat(pool.getDataSourceProperties()).doesNotContainKey("socketTimeout")
			.containsEntry("connectTimeout", "20")
			.containsEntry("reWriteBatchedInserts", "true");
	}

	@Test
	void anH2PoolIsLeftAlone() {
		HikariDataSource pool = pool("jdbc:h2:mem:nexus");
		this.defaults.postProcessBeforeInitialization(pool, "dataSource");
		assertThat(pool.getDataSourceProperties()).isEmpty();
	}

	private static HikariDataSource pool(String url) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(url);
		return pool;
	}

}
