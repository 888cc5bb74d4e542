package io.nexus.server.realtime;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * Traffic of the agent WebSocket: open connections, frames and bytes in each direction by
 * frame type, and the round trip of WebSocket pings. Counters are looked up once per
 * frame type and then only incremented, so the hot path takes no lock. Names and meanings
 * are in {@code docs/metrics.md}.
 */
@Component
class SocketMetrics {

	/** The marker that starts the payload of Nexus's pings, followed by a send time. */
	private static final byte[] PING_MARKER = { 'n', 'x' };

	private static final int PING_PAYLOAD_LENGTH = PING_MARKER.length + Long.BYTES;

	private static final long MAX_RTT_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final MeterRegistry meters;

	private final AtomicInteger open = new AtomicInteger();

	private final Map<String, Traffic> received = new ConcurrentHashMap<>();

	private final Map<String, Traffic> sent = new ConcurrentHashMap<>();

	private final Timer pingRoundTrip;

	SocketMetrics(MeterRegistry meters) {
		this.meters = meters;
		Gauge.builder("nexus.websocket.connections", this.open, AtomicInteger::get)
			.description("Open agent WebSocket connections on this node, registered or not")
			.register(meters);
		this.pingRoundTrip = Timer.builder("nexus.websocket.ping.rtt")
			.description("Round trip of WebSocket pings from Nexus to agents and their pongs back")
			.serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
					Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
					Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
					Duration.ofSeconds(10))
			.register(meters);
	}

	void opened() {
		this.open.incrementAndGet();
	}

	void closed() {
		this.open.decrementAndGet();
	}

	void received(String type, int bytes) {
		this.received.computeIfAbsent(type, (key) -> new Traffic("received", key)).add(bytes);
	}

	void sent(String type, int bytes) {
		this.sent.computeIfAbsent(type, (key) -> new Traffic("sent", key)).add(bytes);
	}

	/**
	 * The payload of a ping: a marker and the send time, which the pong echoes back.
	 * @return the payload
	 */
	static ByteBuffer pingPayload() {
		ByteBuffer payload = ByteBuffer.allocate(PING_PAYLOAD_LENGTH);
		payload.put(PING_MARKER).putLong(System.nanoTime());
		return payload.flip();
	}

	/**
	 * Records the round trip of a pong that answers one of Nexus's pings; other pongs
	 * (unsolicited, or from older pings without a time) are ignored.
	 * @param payload the pong's payload
	 */
	void pong(ByteBuffer payload) {
		ByteBuffer data = payload.duplicate();
		if (data.remaining() != PING_PAYLOAD_LENGTH || data.get() != PING_MARKER[0] || data.get() != PING_MARKER[1]) {
			return;
		}
		long rtt = System.nanoTime() - data.getLong();
		if (rtt >= 0 && rtt < MAX_RTT_NANOS) {
			this.pingRoundTrip.record(rtt, TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * The frame and byte counters of one frame type in one direction.
	 */
	private final class Traffic {

		private final Counter frames;

		private final Counter bytes;

		Traffic(String direction, String type) {
			this.frames = Counter.builder("nexus.websocket.frames." + direction)
				.description("Agent WebSocket frames " + direction + ", by frame type")
				.tag("type", type)
				.register(SocketMetrics.this.meters);
			this.bytes = Counter.builder("nexus.websocket." + direction + ".bytes")
				.description("Payload bytes of agent WebSocket frames " + direction + ", by frame type")
				.tag("type", type)
				.register(SocketMetrics.this.meters);
		}

		void add(int size) {
			this.frames.increment();
			this.bytes.increment(size);
		}

	}

}
