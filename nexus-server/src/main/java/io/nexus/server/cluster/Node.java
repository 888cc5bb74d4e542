package io.nexus.server.cluster;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A Nexus node as the {@code nodes} table knows it.
 *
 * @param id a fresh id per start of the process
 * @param address where it serves (host name and port unless configured)
 * @param version the version it runs
 * @param state where it is in its life
 * @param startedAt when it registered
 * @param heartbeatAt its last heartbeat
 * @param endedAt when it stopped or was declared dead
 */
public record Node(String id, String address, String version, NodeState state, Instant startedAt, Instant heartbeatAt,
		@Nullable Instant endedAt) {

}
