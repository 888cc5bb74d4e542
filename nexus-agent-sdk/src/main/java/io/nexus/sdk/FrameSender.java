package io.nexus.sdk;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.nexus.protocol.frames.AgentFrame;
import org.jspecify.annotations.Nullable;

/**
 * Sends frames on the current connection once the agent is registered, and numbers frames
 * that expect an answer.
 */
final class FrameSender {

	private final FrameCodec codec;

	private final AtomicLong ids = new AtomicLong();

	private volatile @Nullable SocketConnection connection;

	FrameSender(FrameCodec codec) {
		this.codec = codec;
	}

	/**
	 * A fresh frame id.
	 * @return an id unique within this agent
	 */
	String nextId() {
		return "f" + this.ids.incrementAndGet();
	}

	/**
	 * Sends a frame if the agent is registered.
	 * @param frame the frame
	 * @return completes when written; fails when not connected
	 */
	CompletableFuture<Void> send(AgentFrame frame) {
		SocketConnection current = this.connection;
		if (current == null) {
			return CompletableFuture.failedFuture(new IllegalStateException("Not connected to Nexus"));
		}
		return current.send(this.codec.encode(frame));
	}

	/**
	 * Whether frames go out now.
	 * @return {@code true} while registered
	 */
	boolean isReady() {
		return this.connection != null;
	}

	void attach(SocketConnection connection) {
		this.connection = connection;
	}

	void detach() {
		this.connection = null;
	}

}
