package io.nexus.server.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A bare WebSocket client over loopback that speaks the protocol by hand, frame by frame:
 * for tests of the protocol itself, including frames no well-behaved agent would send.
 */
public final class RawAgent implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();

	private final CompletableFuture<Integer> closed = new CompletableFuture<>();

	private final WebSocket socket;

	private RawAgent(int port, String bearer) {
		WebSocket.Builder builder = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(5));
		if (bearer != null) {
			builder.header("Authorization", "Bearer " + bearer);
		}
		this.socket = builder.buildAsync(URI.create("ws://localhost:" + port + "/ws"), new Listener()).join();
	}

	public static RawAgent connect(int port) {
		return new RawAgent(port, null);
	}

	public static RawAgent connectWithBearer(int port, String token) {
		return new RawAgent(port, token);
	}

	/**
	 * Connects and registers with a token, waiting for {@code registered}.
	 * @param port the server port
	 * @param agentId the agent
	 * @param token its token
	 * @return the registered client
	 */
	public static RawAgent register(int port, String agentId, String token) {
		RawAgent agent = connect(port);
		agent.send("{\"type\":\"agent_register\",\"agent_id\":\"" + agentId + "\",\"agent_name\":\"" + agentId
				+ "\",\"token\":\"" + token + "\"}");
		agent.next("registered");
		return agent;
	}

	public void send(String text) {
		this.socket.sendText(text, true).join();
	}

	/**
	 * Waits for the next frame of a type, skipping others.
	 * @param type the frame type
	 * @return the frame
	 */
	public JsonNode next(String type) {
		return next((frame) -> type.equals(frame.path("type").asString()), "a '" + type + "' frame");
	}

	public JsonNode next(Predicate<JsonNode> matching, String description) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
		List<JsonNode> skipped = new ArrayList<>();
		try {
			while (System.nanoTime() < deadline) {
				JsonNode frame = this.received.poll(100, TimeUnit.MILLISECONDS);
				if (frame != null) {
					if (matching.test(frame)) {
						return frame;
					}
					skipped.add(frame);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		throw new AssertionError("no " + description + " within 15s; got " + skipped);
	}

	/**
	 * Waits for the server to close the connection.
	 * @return the close code
	 */
	public int awaitClose() {
		return this.closed.orTimeout(15, TimeUnit.SECONDS).join();
	}

	public boolean isClosed() {
		return this.closed.isDone();
	}

	/** Drops the TCP connection without a close handshake, like a crashed agent. */
	public void kill() {
		this.socket.abort();
	}

	@Override
	public void close() {
		if (!this.socket.isOutputClosed()) {
			this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
		}
		this.socket.abort();
	}

	private final class Listener implements WebSocket.Listener {

		private final StringBuilder text = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				RawAgent.this.received.add(JSON.readTree(this.text.toString()));
				this.text.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			RawAgent.this.closed.complete(statusCode);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			RawAgent.this.closed.complete(-1);
		}

	}

}
