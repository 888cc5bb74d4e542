package io.nexus.server.ops;

import java.lang.management.ManagementFactory;
import java.time.Instant;

import io.nexus.server.shared.Ids;

import org.springframework.stereotype.Component;

/**
 * Who this node is and since when it runs.
 */
@Component
public class NodeIdentity {

	private final String nodeId = Ids.next("node");

	private final Instant startedAt = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());

	public String nodeId() {
		return this.nodeId;
	}

	public Instant startedAt() {
		return this.startedAt;
	}

}
