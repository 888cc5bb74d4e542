package io.nexus.server.realtime;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Counts open agent connections per remote address, so that one address cannot hold more
 * than its share of the node's sockets. Behind a proxy every agent shares the proxy's
 * address: raise the limit there.
 */
final class AddressLimiter {

	private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();

	private final int limit;

	AddressLimiter(int limit) {
		this.limit = limit;
	}

	/**
	 * Takes a slot for the address.
	 * @param address the remote address
	 * @return {@code true} if within the limit; {@code false} if refused (nothing taken)
	 */
	boolean acquire(@Nullable InetSocketAddress address) {
		String key = key(address);
		AtomicInteger count = this.open.computeIfAbsent(key, (ignored) -> new AtomicInteger());
		if (count.incrementAndGet() > this.limit) {
			release(address);
			return false;
		}
		return true;
	}

	void release(@Nullable InetSocketAddress address) {
		String key = key(address);
		this.open.computeIfPresent(key, (ignored, count) -> (count.decrementAndGet() <= 0) ? null : count);
	}

	private static String key(@Nullable InetSocketAddress address) {
		return (address != null && address.getAddress() != null) ? address.getAddress().getHostAddress() : "unknown";
	}

}
