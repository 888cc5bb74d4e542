package io.nexus.sdk;

import java.net.URI;
import java.util.List;

/**
 * The Nexus nodes an agent may connect to, in the order given, and the one it uses now.
 * After a lost connection or a failed attempt the agent moves on to the next one (round
 * robin), so that an agent whose node died resumes its tasks on another node. Confined to
 * the agent's event loop.
 */
final class ServerRotation {

	private final List<URI> servers;

	private int current;

	ServerRotation(List<URI> servers) {
		if (servers.isEmpty()) {
			throw new IllegalArgumentException("at least one server URI is required");
		}
		this.servers = List.copyOf(servers);
	}

	/**
	 * The server to connect to now.
	 * @return its URI
	 */
	URI current() {
		return this.servers.get(this.current);
	}

	/**
	 * Moves on to the next server, after the last back to the first.
	 * @return the server to connect to now
	 */
	URI advance() {
		this.current = (this.current + 1) % this.servers.size();
		return current();
	}

	int size() {
		return this.servers.size();
	}

}
