package io.nexus.server.ops;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Brings the connection pool back as soon as the database answers again. While the
 * database is away, HikariCP retries opening connections with a backoff that doubles up
 * to five seconds, so after a long outage a node could stay unavailable for up to five
 * seconds after the database returned. Every {@code 250 ms}, and only while the pool is
 * empty and requests wait for a connection, this opens one connection of its own to the
 * same database; when that succeeds, it wakes the pool's connection adder from its
 * backoff sleep, so the pool reconnects at once.
 */
@Component
class PoolRecovery implements InitializingBean, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(PoolRecovery.class);

	private final DataSource dataSource;

	private final Duration interval;

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "nexus-pool-recovery");
		thread.setDaemon(true);
		return thread;
	});

	PoolRecovery(DataSource dataSource, @Value("${nexus.database.recovery-probe-interval:250ms}") Duration interval) {
		this.dataSource = dataSource;
		this.interval = interval;
	}

	@Override
	public void afterPropertiesSet() {
		long millis = Math.max(50, this.interval.toMillis());
		this.executor.scheduleWithFixedDelay(() -> {
			try {
				probe();
			}
			catch (RuntimeException ex) {
				logger.debug("Pool recovery probe failed: {}", ex.getMessage());
			}
		}, millis, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

	void probe() {
		if (!(this.dataSource instanceof HikariDataSource pool) || pool.isClosed() || pool.getJdbcUrl() == null
				|| !pool.getJdbcUrl().startsWith("jdbc:postgresql:")) {
			return;
		}
		HikariPoolMXBean state = pool.getHikariPoolMXBean();
		// a pool that keeps idle connections is empty only while the database is away;
		// one
		// that keeps none, only then while requests wait
		if (state == null || state.getTotalConnections() > 0
				|| (pool.getMinimumIdle() == 0 && state.getThreadsAwaitingConnection() == 0)) {
			return;
		}
		if (!reachable(pool)) {
			return;
		}
		String adder = pool.getPoolName() + ":connection-adder";
		int woken = 0;
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith(adder) && thread.getState() == Thread.State.TIMED_WAITING) {
				thread.interrupt();
				woken++;
			}
		}
		if (woken > 0) {
			logger.info("The database answers again; woke {} connection adder(s) of pool {} from their backoff", woken,
					pool.getPoolName());
		}
	}

	private static boolean reachable(HikariDataSource pool) {
		Properties properties = new Properties();
		properties.putAll(pool.getDataSourceProperties());
		if (pool.getUsername() != null) {
			properties.setProperty("user", pool.getUsername());
		}
		if (pool.getPassword() != null) {
			properties.setProperty("password", pool.getPassword());
		}
		properties.setProperty("connectTimeout", "1");
		properties.setProperty("loginTimeout", "2");
		try (Connection connection = DriverManager.getConnection(pool.getJdbcUrl(), properties)) {
			return connection.isValid(1);
		}
		catch (Exception ex) {
			return false;
		}
	}

}
