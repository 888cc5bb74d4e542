package io.nexus.server.dispatch;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.tasks.TaskStatusChanged;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wake-ups between nodes that share one PostgreSQL. A transaction that makes a task ready
 * ({@code queued}) sends one {@code pg_notify} before it commits (however many tasks it
 * queues, so a group commit sends one); PostgreSQL delivers it only if the transaction
 * commits. Each node listens on a connection of its own, outside the pool, and wakes its
 * dispatcher when another node notifies; its own notifications are ignored, since the
 * local event already woke it. If the listening connection is lost, it reconnects with
 * backoff and wakes once, and until then the dispatcher's periodic round
 * ({@code nexus.dispatch.reaper-interval}) is the safety net. On H2, which serves a
 * single node, nothing is sent and nothing listens.
 * <p>
 * Other channels share the listening connection ({@link ClusterChannel}):
 * {@link ClusterEvents} sends its events on one, and the gateway relays agent messages
 * for agents connected to other nodes on another. Every payload is the sender's node id,
 * a newline and the body: at most {@value #MAX_RELAYED_BYTES} bytes in all (the limit of
 * {@code NOTIFY}).
 */
@Component
class ClusterWakeups implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ClusterWakeups.class);

	private static final String CHANNEL_PREFIX = "nexus_dispatch_";

	/** The largest payload, node id included; PostgreSQL's limit is 8000. */
	static final int MAX_RELAYED_BYTES = 7999;

	private static final long POLL_MILLIS = 500;

	private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(10);

	private static final long MAX_BACKOFF_MILLIS = 5_000;

	private final String nodeId = UUID.randomUUID().toString();

	private final Dispatcher dispatcher;

	private final DispatchProperties properties;

	private final DataSourceProperties dataSource;

	private final JdbcClient jdbc;

	private final AtomicLong sent = new AtomicLong();

	private final AtomicLong received = new AtomicLong();

	private volatile @Nullable String channel;

	/** The other modules' channels by name, once listening is on. */
	private volatile Map<String, ClusterChannel> channels = Map.of();

	private volatile Map<ClusterChannel, String> channelNames = Map.of();

	private final ObjectProvider<ClusterChannel> extraChannels;

	private volatile boolean running;

	private volatile boolean listening;

	private @Nullable Thread thread;

	ClusterWakeups(Dispatcher dispatcher, DispatchProperties properties, DataSourceProperties dataSource,
			JdbcClient jdbc, ObjectProvider<ClusterChannel> extraChannels) {
		// resolved at start: a channel's owner may itself send through ClusterEvents
		this.extraChannels = extraChannels;
		this.dispatcher = dispatcher;
		this.properties = properties;
		this.dataSource = dataSource;
		this.jdbc = jdbc;
	}

	@Override
	public void start() {
		this.running = true;
		String url = this.dataSource.determineUrl();
		if (!this.properties.clusterWakeups() || url == null || !url.startsWith("jdbc:postgresql:")) {
			return;
		}
		// channels are per database, not per schema: deployments in other schemas of the
		// same database must not wake each other
		String schema = this.jdbc.sql("SELECT current_schema()").query(String.class).optional().orElse("public");
		this.channel = channelName(CHANNEL_PREFIX, schema);
		Map<String, ClusterChannel> byName = new HashMap<>();
		Map<ClusterChannel, String> names = new HashMap<>();
		this.extraChannels.orderedStream().forEach((extra) -> {
			String name = channelName(extra.prefix(), schema);
			byName.put(name, extra);
			names.put(extra, name);
		});
		this.channels = Map.copyOf(byName);
		this.channelNames = Map.copyOf(names);
		Thread listener = new Thread(() -> listen(url), "nexus-wakeups");
		listener.setDaemon(true);
		listener.start();
		this.thread = listener;
	}

	private static String channelName(String prefix, String schema) {
		String name = prefix + schema;
		return (name.length() <= 63) ? name : prefix + Integer.toHexString(schema.hashCode());
	}

	@Override
	public void stop() {
		this.running = false;
		Thread listener = this.thread;
		if (listener != null) {
			listener.interrupt();
			try {
				listener.join(TimeUnit.SECONDS.toMillis(2));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.thread = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@EventListener
	void onTaskStatusChanged(TaskStatusChanged event) {
		if (event.to() != TaskStatus.QUEUED || this.channel == null) {
			return;
		}
		if (!TransactionSynchronizationManager.isSynchronizationActive()
				|| !TransactionSynchronizationManager.isActualTransactionActive()) {
			notifyOthers();
			return;
		}
		if (TransactionSynchronizationManager.hasResource(this)) {
			return;
		}
		// one notification per transaction, sent in it: delivered only on commit
		TransactionSynchronizationManager.bindResource(this, Boolean.TRUE);
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void beforeCommit(boolean readOnly) {
				notifyOthers();
			}

			@Override
			public void afterCompletion(int status) {
				TransactionSynchronizationManager.unbindResourceIfPossible(ClusterWakeups.this);
			}

		});
	}

	private void notifyOthers() {
		String target = this.channel;
		if (target != null) {
			this.jdbc.sql("SELECT pg_notify(?, ?)").param(target).param(this.nodeId).query((rs) -> {
			});
			this.sent.incrementAndGet();
		}
	}

	/**
	 * Whether other nodes may share the database and hear what this node sends.
	 * @return {@code false} on H2 or when disabled
	 */
	boolean enabled() {
		return this.channel != null;
	}

	/**
	 * The largest body {@link #send} takes, in UTF-8 bytes.
	 * @return the limit
	 */
	int maxBodyBytes() {
		return MAX_RELAYED_BYTES - this.nodeId.length() - 1;
	}

	/**
	 * Sends a body on another module's channel, in the caller's transaction if there is
	 * one (then it is delivered only if that commits); nothing when disabled.
	 * @param channel the channel
	 * @param body the body, at most {@link #maxBodyBytes()} bytes
	 * @throws IllegalArgumentException if the body is too large
	 */
	void send(ClusterChannel channel, String body) {
		String target = this.channelNames.get(channel);
		if (target == null) {
			return;
		}
		String payload = this.nodeId + "\n" + body;
		if (payload.getBytes(StandardCharsets.UTF_8).length > MAX_RELAYED_BYTES) {
			throw new IllegalArgumentException("a body may be at most " + maxBodyBytes() + " bytes");
		}
		this.jdbc.sql("SELECT pg_notify(?, ?)").param(target).param(payload).query((rs) -> {
		});
	}

	private void deliver(ClusterChannel target, String payload) {
		int newline = payload.indexOf('\n');
		if (newline < 0 || this.nodeId.equals(payload.substring(0, newline))) {
			return;
		}
		try {
			target.received(payload.substring(newline + 1));
		}
		catch (RuntimeException ex) {
			logger.warn("What another node sent on {} could not be handled: {}", target.prefix(), ex.getMessage());
		}
	}

	private void listen(String url) {
		long backoff = 100;
		boolean outage = false;
		while (this.running) {
			try (Connection connection = connect(url)) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("LISTEN " + quoted(this.channel));
					for (String extra : this.channels.keySet()) {
						statement.execute("LISTEN " + quoted(extra));
					}
				}
				this.listening = true;
				backoff = 100;
				if (outage) {
					logger.info("Cross-node wake-ups are back");
					outage = false;
				}
				// whatever was notified while this node was not listening is picked up
				// now
				this.dispatcher.wake();
				receive(connection);
			}
			catch (SQLException ex) {
				this.listening = false;
				if (!this.running) {
					return;
				}
				if (!outage) {
					logger.warn(
							"Cross-node wake-ups lost their PostgreSQL connection ({}); this node sees tasks "
									+ "queued by other nodes on its dispatch rounds (every {}) until it reconnects",
							ex.getMessage(), this.properties.reaperInterval());
					outage = true;
				}
				try {
					TimeUnit.MILLISECONDS.sleep(backoff);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
				backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
			}
		}
		this.listening = false;
	}

	private static String quoted(@Nullable String identifier) {
		return "\"" + String.valueOf(identifier).replace("\"", "\"\"") + "\"";
	}

	private void receive(Connection connection) throws SQLException {
		PGConnection postgres = connection.unwrap(PGConnection.class);
		long checked = System.nanoTime();
		while (this.running) {
			PGNotification[] notifications = postgres.getNotifications((int) POLL_MILLIS);
			boolean wake = false;
			if (notifications != null) {
				for (PGNotification notification : notifications) {
					ClusterChannel extra = this.channels.get(notification.getName());
					if (extra != null) {
						deliver(extra, notification.getParameter());
					}
					else {
						wake |= !this.nodeId.equals(notification.getParameter());
					}
				}
			}
			if (wake) {
				this.received.incrementAndGet();
				this.dispatcher.wake();
			}
			// a connection cut without a word (a network partition) is found by asking
			if (System.nanoTime() - checked > CHECK_NANOS) {
				if (!connection.isValid(5)) {
					throw new SQLException("the connection stopped answering");
				}
				checked = System.nanoTime();
			}
		}
	}

	private Connection connect(String url) throws SQLException {
		Properties info = new Properties();
		String username = this.dataSource.determineUsername();
		String password = this.dataSource.determinePassword();
		if (username != null) {
			info.setProperty("user", username);
		}
		if (password != null) {
			info.setProperty("password", password);
		}
		info.setProperty("ApplicationName", applicationName());
		info.setProperty("connectTimeout", "5");
		info.setProperty("tcpKeepAlive", "true");
		return DriverManager.getConnection(url, info);
	}

	/**
	 * The name the listening connection shows in {@code pg_stat_activity}.
	 * @return the application name
	 */
	String applicationName() {
		return "nexus-wakeups-" + this.nodeId.substring(0, 8);
	}

	/**
	 * Whether a listening connection is open.
	 * @return whether this node hears other nodes now
	 */
	boolean isListening() {
		return this.listening;
	}

	/**
	 * The channel, or {@code null} when wake-ups are off (H2, or disabled).
	 * @return the channel
	 */
	@Nullable String channel() {
		return this.channel;
	}

	long sent() {
		return this.sent.get();
	}

	long received() {
		return this.received.get();
	}

}
