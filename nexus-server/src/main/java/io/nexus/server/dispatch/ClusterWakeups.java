package io.nexus.server.dispatch;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.nexus.protocol.TaskStatus;
import io.nexus.protocol.frames.AgentMessage;
import io.nexus.server.agents.AgentId;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.tasks.TaskStatusChanged;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wake-ups and agent messages between nodes that share one PostgreSQL. A transaction that
 * makes a task ready ({@code queued}) sends one {@code pg_notify} before it commits
 * (however many tasks it queues, so a group commit sends one); PostgreSQL delivers it
 * only if the transaction commits. Each node listens on a connection of its own, outside
 * the pool, and wakes its dispatcher when another node notifies; its own notifications
 * are ignored, since the local event already woke it. If the listening connection is
 * lost, it reconnects with backoff and wakes once, and until then the dispatcher's
 * periodic round ({@code nexus.dispatch.reaper-interval}) is the safety net. On H2, which
 * serves a single node, nothing is sent and nothing listens.
 * <p>
 * Agent messages for agents connected to other nodes travel the same way, on a second
 * channel, with the frame as payload: at most {@value #MAX_RELAYED_BYTES} bytes (the
 * limit of {@code NOTIFY}); a larger one is refused with {@code message_too_large}. They
 * are not stored, like messages on one node: a node that is not listening at that moment
 * does not get them.
 * <p>
 * A third channel carries {@link ClusterEvent}s ({@link ClusterEvents}): ids, never
 * bodies, each received one published here as an application event on the listening
 * thread.
 */
@Component
class ClusterWakeups implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ClusterWakeups.class);

	private static final String CHANNEL_PREFIX = "nexus_dispatch_";

	private static final String MESSAGES_PREFIX = "nexus_messages_";

	private static final String EVENTS_PREFIX = "nexus_events_";

	/**
	 * The longest text field of a relayed event, so that a payload stays far below 8000.
	 */
	private static final int MAX_EVENT_FIELD = 200;

	/** The largest relayed message, node id included; PostgreSQL's limit is 8000. */
	static final int MAX_RELAYED_BYTES = 7999;

	private static final TypeReference<Map<String, String>> EVENT_FIELDS = new TypeReference<>() {
	};

	private static final long POLL_MILLIS = 500;

	private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(10);

	private static final long MAX_BACKOFF_MILLIS = 5_000;

	private final String nodeId = UUID.randomUUID().toString();

	private final Dispatcher dispatcher;

	private final DispatchProperties properties;

	private final DataSourceProperties dataSource;

	private final JdbcClient jdbc;

	private final AgentConnections connections;

	private final JsonMapper json;

	private final AtomicLong sent = new AtomicLong();

	private final AtomicLong received = new AtomicLong();

	private volatile @Nullable String channel;

	private volatile @Nullable String messagesChannel;

	private volatile @Nullable String eventsChannel;

	private final ApplicationEventPublisher events;

	private final TransactionTemplate ownTransaction;

	private volatile boolean running;

	private volatile boolean listening;

	private @Nullable Thread thread;

	ClusterWakeups(Dispatcher dispatcher, DispatchProperties properties, DataSourceProperties dataSource,
			JdbcClient jdbc, AgentConnections connections, JsonMapper json, ApplicationEventPublisher events,
			PlatformTransactionManager transactionManager) {
		this.events = events;
		// an event is often sent after a commit, while the committed transaction's
		// connection is still bound: a NOTIFY there would never be committed
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.connections = connections;
		this.json = json;
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
		this.messagesChannel = channelName(MESSAGES_PREFIX, schema);
		this.eventsChannel = channelName(EVENTS_PREFIX, schema);
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
	 * Whether other nodes may share the database, so that messages for agents not
	 * connected here are relayed.
	 * @return whether messages are relayed
	 */
	boolean relaysMessages() {
		return this.messagesChannel != null;
	}

	/**
	 * Hands a message to the other nodes, which deliver it to their own connected
	 * recipients.
	 * @param message the message as delivered, with {@code from_agent} set
	 * @throws InvalidRequestException if the message is too large to relay
	 */
	void relay(AgentMessage message) {
		String target = this.messagesChannel;
		if (target == null) {
			return;
		}
		String payload = this.nodeId + "\n" + this.json.writeValueAsString(message);
		int size = payload.getBytes(StandardCharsets.UTF_8).length;
		if (size > MAX_RELAYED_BYTES) {
			throw InvalidRequestException.badRequest("message_too_large",
					"a message to agents on other nodes may be at most "
							+ (MAX_RELAYED_BYTES - this.nodeId.length() - 1) + " bytes as JSON; this one is "
							+ (size - this.nodeId.length() - 1));
		}
		this.jdbc.sql("SELECT pg_notify(?, ?)").param(target).param(payload).query((rs) -> {
		});
	}

	/**
	 * Sends an event to the other nodes: this node's id, a newline, the event as a JSON
	 * object of strings.
	 * @param event the event
	 */
	void broadcast(ClusterEvent event) {
		String target = this.eventsChannel;
		if (target == null) {
			return;
		}
		Map<String, String> fields = new LinkedHashMap<>();
		event.fields()
			.forEach((name, value) -> fields.put(name,
					(value.length() > MAX_EVENT_FIELD) ? value.substring(0, MAX_EVENT_FIELD) : value));
		fields.put("kind", event.kind());
		String payload = this.nodeId + "\n" + this.json.writeValueAsString(fields);
		try {
			this.ownTransaction.executeWithoutResult(
					(status) -> this.jdbc.sql("SELECT pg_notify(?, ?)").param(target).param(payload).query((rs) -> {
					}));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not send a {} event to the other nodes: {}", event.kind(), ex.getMessage());
		}
	}

	private void receiveEvent(String payload) {
		int newline = payload.indexOf('\n');
		if (newline < 0 || this.nodeId.equals(payload.substring(0, newline))) {
			return;
		}
		Map<String, String> fields;
		try {
			fields = new HashMap<>(this.json.readValue(payload.substring(newline + 1), EVENT_FIELDS));
		}
		catch (JacksonException ex) {
			logger.debug("Ignored a cluster event that cannot be read", ex);
			return;
		}
		String kind = fields.remove("kind");
		if (kind == null) {
			return;
		}
		try {
			this.events.publishEvent(new ClusterEvent(kind, fields));
		}
		catch (RuntimeException ex) {
			logger.warn("A {} event from another node could not be applied: {}", kind, ex.getMessage());
		}
	}

	private void deliverRelayed(String payload) {
		int newline = payload.indexOf('\n');
		if (newline < 0 || this.nodeId.equals(payload.substring(0, newline))) {
			return;
		}
		AgentMessage message;
		try {
			message = this.json.readValue(payload.substring(newline + 1), AgentMessage.class);
		}
		catch (JacksonException ex) {
			logger.debug("Ignored a relayed message that cannot be read", ex);
			return;
		}
		if (message.toAgent() != null) {
			this.connections.get(new AgentId(message.toAgent()))
				.ifPresent((recipient) -> recipient.channel().send(message));
		}
		else if (message.toCapability() != null) {
			this.connections.sendToCapability(message);
		}
	}

	private void listen(String url) {
		long backoff = 100;
		boolean outage = false;
		while (this.running) {
			try (Connection connection = connect(url)) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("LISTEN " + quoted(this.channel));
					statement.execute("LISTEN " + quoted(this.messagesChannel));
					statement.execute("LISTEN " + quoted(this.eventsChannel));
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
					if (notification.getName().equals(this.messagesChannel)) {
						deliverRelayed(notification.getParameter());
					}
					else if (notification.getName().equals(this.eventsChannel)) {
						receiveEvent(notification.getParameter());
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
