package io.nexus.sdk;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

/**
 * One WebSocket connection to Nexus. It reassembles fragmented text messages, asks for
 * one message at a time, and serializes sends: {@link WebSocket} allows a single
 * outstanding send, so every send is chained after the previous one.
 */
final class SocketConnection implements WebSocket.Listener {

	private final Events events;

	private final StringBuilder partial = new StringBuilder();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final CompletableFuture<Void> terminated = new CompletableFuture<>();

	private volatile @Nullable WebSocket webSocket;

	private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);

	SocketConnection(Events events) {
		this.events = events;
	}

	/**
	 * Starts the handshake. {@link Events#opened} follows on success.
	 * @param client the HTTP client
	 * @param uri the endpoint
	 * @param bearer the token for the {@code Authorization} header, or {@code null}
	 * @param timeout how long the handshake may take
	 * @return the handshake's outcome
	 */
	CompletableFuture<WebSocket> open(HttpClient client, URI uri, @Nullable String bearer, Duration timeout) {
		WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(timeout);
		if (bearer != null) {
			builder.header("Authorization", "Bearer " + bearer);
		}
		return builder.buildAsync(uri, this);
	}

	/**
	 * Sends a text frame after every frame sent before it.
	 * @param text the frame
	 * @return completes when the frame is written
	 */
	synchronized CompletableFuture<Void> send(String text) {
		WebSocket socket = this.webSocket;
		if (socket == null || this.closed.get()) {
			return CompletableFuture.failedFuture(new IllegalStateException("Not connected"));
		}
		CompletableFuture<Void> sent = this.sendChain.handle((result, ex) -> null)
			.thenCompose((ignored) -> socket.sendText(text, true))
			.thenApply((ignored) -> null);
		sent.whenComplete((result, ex) -> {
			if (ex != null) {
				abort("send failed: " + ex);
			}
		});
		this.sendChain = sent;
		return sent;
	}

	/**
	 * Sends a close frame after the frames queued before it.
	 * @param code the close code
	 * @param reason the reason
	 * @return completes when the close frame is written
	 */
	synchronized CompletableFuture<Void> close(int code, String reason) {
		WebSocket socket = this.webSocket;
		if (socket == null) {
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<Void> sent = this.sendChain.handle((result, ex) -> null)
			.thenCompose((ignored) -> socket.sendClose(code, reason))
			.thenApply((ignored) -> null);
		this.sendChain = sent;
		return sent;
	}

	/**
	 * Completes when the connection has ended, whichever side ended it.
	 * @return the future
	 */
	CompletableFuture<Void> terminated() {
		return this.terminated;
	}

	/**
	 * Drops the connection without a close handshake and reports it closed (code 1006).
	 * @param reason why, for the log
	 */
	void abort(String reason) {
		WebSocket socket = this.webSocket;
		if (socket != null) {
			socket.abort();
		}
		reportClosed(1006, reason);
	}

	@Override
	public void onOpen(WebSocket webSocket) {
		this.webSocket = webSocket;
		webSocket.request(1);
		this.events.opened(this);
	}

	@Override
	public @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.partial.append(data);
		if (last) {
			String text = this.partial.toString();
			this.partial.setLength(0);
			this.events.text(this, text);
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public @Nullable CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
		webSocket.request(1);
		return null;
	}

	@Override
	public @Nullable CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		reportClosed(statusCode, reason);
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		reportClosed(1006, error.toString());
	}

	private void reportClosed(int code, String reason) {
		if (this.closed.compareAndSet(false, true)) {
			this.terminated.complete(null);
			this.events.closed(this, code, reason);
		}
	}

	/**
	 * What happens on a connection, reported from the HTTP client's threads.
	 */
	interface Events {

		/**
		 * The handshake succeeded.
		 * @param connection the connection
		 */
		void opened(SocketConnection connection);

		/**
		 * A whole text message arrived.
		 * @param connection the connection
		 * @param text the message
		 */
		void text(SocketConnection connection, String text);

		/**
		 * The connection ended (reported once).
		 * @param connection the connection
		 * @param code the close code, 1006 when it was dropped
		 * @param reason the reason
		 */
		void closed(SocketConnection connection, int code, String reason);

	}

}
