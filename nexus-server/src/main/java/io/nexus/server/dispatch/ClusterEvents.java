package io.nexus.server.dispatch;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends events to the other nodes that share the database: cancellations and freed slots
 * for agents connected elsewhere, operators' changes to them, and the dashboard's
 * live-update hints. Each node turns what it receives into a {@link ClusterEvent}
 * application event, published on the listening thread. Delivery is at most once and only
 * to nodes listening at that moment (PostgreSQL {@code NOTIFY}); on H2, or with
 * {@code nexus.dispatch.cluster-wakeups=false}, nothing is sent.
 * <p>
 * Events travel on a channel of their own ({@link ClusterChannel}) of the wake-ups
 * connection, as this node's id, a newline and a JSON object of strings: ids, never
 * bodies. Other modules send on channels of their own through {@link #send}.
 */
@Component
public class ClusterEvents implements ClusterChannel {

	private static final Logger logger = LoggerFactory.getLogger(ClusterEvents.class);

	private static final String PREFIX = "nexus_events_";

	/**
	 * The longest text field of a relayed event, so that a payload stays far below 8000.
	 */
	private static final int MAX_EVENT_FIELD = 200;

	private static final TypeReference<Map<String, String>> EVENT_FIELDS = new TypeReference<>() {
	};

	private final ClusterWakeups wakeups;

	private final JsonMapper json;

	private final ApplicationEventPublisher events;

	private final TransactionTemplate ownTransaction;

	ClusterEvents(ClusterWakeups wakeups, JsonMapper json, ApplicationEventPublisher events,
			PlatformTransactionManager transactionManager) {
		this.wakeups = wakeups;
		this.json = json;
		this.events = events;
		// an event is often sent after a commit, while the committed transaction's
		// connection is still bound: a NOTIFY there would never be committed
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/**
	 * Whether other nodes may be listening.
	 * @return {@code false} on H2 or when disabled
	 */
	public boolean enabled() {
		return this.wakeups.enabled();
	}

	/**
	 * Sends an event to the other nodes, in a transaction of its own.
	 * @param kind what happened
	 * @param fields ids and short texts (each text is cut to 200 characters)
	 */
	public void publish(String kind, Map<String, String> fields) {
		if (!enabled()) {
			return;
		}
		Map<String, String> sent = new LinkedHashMap<>();
		fields.forEach((name, value) -> sent.put(name,
				(value.length() > MAX_EVENT_FIELD) ? value.substring(0, MAX_EVENT_FIELD) : value));
		sent.put("kind", kind);
		String body = this.json.writeValueAsString(sent);
		try {
			this.ownTransaction.executeWithoutResult((status) -> this.wakeups.send(this, body));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not send a {} event to the other nodes: {}", kind, ex.getMessage());
		}
	}

	/**
	 * The largest body {@link #send} takes: what a {@code NOTIFY} holds besides the
	 * sender's node id.
	 * @return the limit in UTF-8 bytes
	 */
	public int maxBodyBytes() {
		return this.wakeups.maxBodyBytes();
	}

	/**
	 * Sends a body to the other nodes on a module's own channel, in the caller's
	 * transaction if there is one (then only if it commits); nothing when not
	 * {@link #enabled()}.
	 * @param channel the channel, a bean so that the other nodes listen on it
	 * @param body at most {@link #maxBodyBytes()} bytes
	 * @throws IllegalArgumentException if the body is too large
	 */
	public void send(ClusterChannel channel, String body) {
		this.wakeups.send(channel, body);
	}

	/**
	 * The channel of the events themselves.
	 * @return its prefix
	 */
	@Override
	public String prefix() {
		return PREFIX;
	}

	/**
	 * Publishes an event another node sent as a {@link ClusterEvent}.
	 * @param body the event's fields as JSON
	 */
	@Override
	public void received(String body) {
		Map<String, String> fields;
		try {
			fields = new HashMap<>(this.json.readValue(body, EVENT_FIELDS));
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

}
