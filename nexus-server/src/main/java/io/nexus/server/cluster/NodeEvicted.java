package io.nexus.server.cluster;

/**
 * Published on a node that finds it was declared dead by another node (its heartbeats
 * stopped reaching the database for longer than the node timeout, a long pause or an
 * outage): its agents were released, so it must send its connections to register again.
 *
 * @param nodeId this node
 */
public record NodeEvicted(String nodeId) {

}
