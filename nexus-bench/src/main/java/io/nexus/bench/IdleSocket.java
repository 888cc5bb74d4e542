package io.nexus.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A bare agent connection: it sends {@code agent_register}, waits for {@code registered},
 * then only keeps the socket open. The JDK client answers the server's WebSocket pings
 * with pongs on its own, which is what keeps the agent alive.
 */
final class IdleSocket implements WebSocket.Listener {

	private static final long REGISTRATION_TIMEOUT_SECONDS = 60;

	private final CompletableFuture<Void> registered = new CompletableFuture<>();

	private final StringBuilder text = new StringBuilder();

	private volatile boolean closed;

	private volatile WebSocket socket;

	static CompletableFuture<IdleSocket> open(HttpClient client, URI uri, String agentId, String token) {
		IdleSocket idle = new IdleSocket();
		String register = "{\"type\":\"agent_register\",\"id\":\"r1\",\"agent_id\":\"" + agentId + "\",\"token\":\""
				+ token + "\",\"protocol_version\":1}";
		return client.newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(30))
			.buildAsync(uri, idle)
			.thenCompose((socket) -> {
				idle.socket = socket;
				return socket.sendText(register, true);
			})
			.thenCompose((socket) -> idle.registered)
			.thenApply((ignored) -> idle)
			.orTimeout(REGISTRATION_TIMEOUT_SECONDS, TimeUnit.SECONDS)
			.whenComplete((socket, ex) -> {
				if (ex != null) {
					idle.abort();
				}
			});
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.text.append(data);
		if (last) {
			String frame = this.text.toString();
			this.text.setLength(0);
			if (frame.contains("\"type\":\"registered\"")) {
				this.registered.complete(null);
			}
			else if (frame.contains("\"type\":\"error\"") && !this.registered.isDone()) {
				this.registered.completeExceptionally(new IllegalStateException(frame));
			}
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closed = true;
		this.registered.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.closed = true;
		this.registered.completeExceptionally(error);
	}

	boolean isOpen() {
		return !this.closed;
	}

	void abort() {
		WebSocket socket = this.socket;
		if (socket != null) {
			socket.abort();
		}
	}

}
