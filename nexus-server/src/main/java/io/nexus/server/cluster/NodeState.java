package io.nexus.server.cluster;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where a node is in its life.
 */
public enum NodeState {

	/** Running: holds agent connections and dispatches. */
	UP,
	/** Shutting down (SIGTERM): takes no new work and sends its agents elsewhere. */
	DRAINING,
	/** Shut down cleanly: its agents were released. */
	STOPPED,
	/**
	 * Its heartbeat stopped for longer than the node timeout; its agents were released.
	 */
	DEAD;

	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static NodeState fromWireName(String value) {
		return Arrays.stream(values())
			.filter((state) -> state.wireName().equals(value))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Unknown node state '" + value + "'"));
	}

}
