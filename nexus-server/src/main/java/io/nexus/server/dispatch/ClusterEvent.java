package io.nexus.server.dispatch;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An event that another node sent through PostgreSQL ({@link ClusterEvents}), published
 * on this node as an application event. Its fields carry ids and short texts, never
 * bodies: the receiver reads what it needs from the database.
 *
 * @param kind what happened, such as {@code lease_ended}
 * @param fields its ids
 */
public record ClusterEvent(String kind, Map<String, String> fields) {

	/** A lease ended on another node: free the agent's slot, cancel if asked. */
	static final String LEASE_ENDED = "lease_ended";

	/** An operator assigned a task by hand to an agent connected elsewhere. */
	static final String ASSIGNED = "assigned";

	/** An agent's row changed (pause, resume, drain, capabilities...). */
	static final String AGENT_CHANGED = "agent_changed";

	/** An agent was deleted or its token revoked: close its connection. */
	static final String AGENT_CLOSED = "agent_closed";

	/** A person answered a question of a task held by an agent connected elsewhere. */
	static final String INPUT_ANSWERED = "input_answered";

	/** Dashboard pages should refresh; {@code kinds} is "tasks", "agents" or both. */
	public static final String LIVE = "live";

	public ClusterEvent {
		fields = Map.copyOf(fields);
	}

	public @Nullable String field(String name) {
		return this.fields.get(name);
	}

}
