package io.nexus.server.dispatch;

import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * Sends events to the other nodes that share the database: cancellations and freed slots
 * for agents connected elsewhere, operators' changes to them, and the dashboard's
 * live-update hints. Each node turns what it receives into a {@link ClusterEvent}
 * application event. Delivery is at most once and only to nodes listening at that moment
 * (PostgreSQL {@code NOTIFY}); on H2, or with
 * {@code nexus.dispatch.cluster-wakeups=false}, nothing is sent.
 */
@Component
public class ClusterEvents {

	private final ClusterWakeups wakeups;

	ClusterEvents(ClusterWakeups wakeups) {
		this.wakeups = wakeups;
	}

	/**
	 * Whether other nodes may be listening.
	 * @return {@code false} on H2 or when disabled
	 */
	public boolean enabled() {
		return this.wakeups.relaysMessages();
	}

	/**
	 * Sends an event to the other nodes, in a transaction of its own.
	 * @param kind what happened
	 * @param fields ids and short texts (each text is cut to 200 characters)
	 */
	public void publish(String kind, Map<String, String> fields) {
		this.wakeups.broadcast(new ClusterEvent(kind, fields));
	}

}
