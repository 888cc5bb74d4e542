/**
 * A benchmark harness that drives a running Nexus from outside, over HTTP and WebSocket,
 * and measures task throughput, dispatch latency and the memory cost of connections.
 */
@NullMarked
package io.nexus.bench;

import org.jspecify.annotations.NullMarked;
