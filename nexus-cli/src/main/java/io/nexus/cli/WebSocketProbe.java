package io.nexus.cli;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.nexus.protocol.frames.AgentRegister;
import io.nexus.protocol.frames.ErrorFrame;
import io.nexus.protocol.frames.Registered;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks the agent WebSocket: opens {@code /ws} (the handshake must answer 101),
 * optionally registers a probe agent with its token and waits for {@code registered},
 * then closes.
 */
final class WebSocketProbe {

	static final String NAME = "websocket";

	private final HttpClient http;

	private final JsonMapper json;

	private final Duration timeout;

	WebSocketProbe(HttpClient http, JsonMapper json, Duration timeout) {
		this.http = http;
		this.json = json;
		this.timeout = timeout;
	}

	/**
	 * The {@code ws(s)://host/ws} endpoint that belongs to an {@code http(s)://} base
	 * URL.
	 */
	static URI endpointOf(URI baseUrl) {
		String scheme = "https".equals(baseUrl.getScheme()) ? "wss" : "ws";
		String path = baseUrl.getPath();
		String prefix = (path == null || path.isEmpty() || "/".equals(path)) ? ""
				: (path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
		String port = (baseUrl.getPort() != -1) ? ":" + baseUrl.getPort() : "";
		return URI.create(scheme + "://" + baseUrl.getHost() + port + prefix + "/ws");
	}

	CheckResult probe(URI endpoint, @Nullable String agentId, @Nullable String agentToken) {
		BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
		long start = System.nanoTime();
		WebSocket socket;
		try {
			socket = this.http.newWebSocketBuilder()
				.connectTimeout(this.timeout)
				.buildAsync(endpoint, new Collector(inbox, this.json))
				.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			return CheckResult.down(NAME, millisSince(start), endpoint + ": " + handshakeFailure(ex.getCause()));
		}
		catch (TimeoutException ex) {
			return CheckResult.down(NAME, millisSince(start), endpoint + ": no handshake answer in time");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return CheckResult.down(NAME, null, "interrupted");
		}
		long handshake = millisSince(start);
		try {
			if (agentId == null || agentToken == null) {
				return CheckResult.up(NAME, handshake, endpoint + ": handshake 101");
			}
			return register(socket, inbox, endpoint, agentId, agentToken, start);
		}
		finally {
			socket.sendClose(WebSocket.NORMAL_CLOSURE, "health check done");
			socket.abort();
		}
	}

	private CheckResult register(WebSocket socket, BlockingQueue<String> inbox, URI endpoint, String agentId,
			String agentToken, long start) {
		ObjectNode frame = this.json.createObjectNode();
		frame.put("type", AgentRegister.TYPE);
		frame.put("agent_id", agentId);
		frame.put("agent_name", agentId);
		frame.put("token", agentToken);
		try {
			socket.sendText(this.json.writeValueAsString(frame), true)
				.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			long deadline = System.nanoTime() + this.timeout.toNanos();
			while (System.nanoTime() < deadline) {
				String text = inbox.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
				if (text == null) {
					break;
				}
				JsonNode reply = this.json.readTree(text);
				String type = reply.path("type").asString("");
				if (Registered.TYPE.equals(type)) {
					return CheckResult.up(NAME, millisSince(start),
							endpoint + ": handshake 101, agent " + agentId + " registered");
				}
				if (ErrorFrame.TYPE.equals(type) || Collector.CLOSED.equals(type)) {
					return CheckResult.down(NAME, millisSince(start), endpoint + ": agent_register refused: "
							+ reply.path("code").asString("") + " " + reply.path("message").asString(""));
				}
			}
			return CheckResult.down(NAME, millisSince(start), endpoint + ": no 'registered' answer in time");
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			return CheckResult.down(NAME, millisSince(start), endpoint + ": " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return CheckResult.down(NAME, null, "interrupted");
		}
	}

	private static String handshakeFailure(@Nullable Throwable cause) {
		if (cause instanceof WebSocketHandshakeException handshake) {
			return "handshake answered HTTP " + handshake.getResponse().statusCode() + " instead of 101";
		}
		if (cause instanceof ConnectException) {
			return "connection refused";
		}
		return (cause != null) ? cause.toString() : "handshake failed";
	}

	private static long millisSince(long startNanos) {
		return (System.nanoTime() - startNanos) / 1_000_000;
	}

	/**
	 * Gathers whole text messages; a close becomes a synthetic {@code closed} message.
	 */
	private static final class Collector implements WebSocket.Listener {

		static final String CLOSED = "__closed";

		private final BlockingQueue<String> inbox;

		private final JsonMapper json;

		private final StringBuilder partial = new StringBuilder();

		Collector(BlockingQueue<String> inbox, JsonMapper json) {
			this.inbox = inbox;
			this.json = json;
		}

		@Override
		public @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				this.inbox.add(this.partial.toString());
				this.partial.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public @Nullable CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			ObjectNode closed = this.json.createObjectNode();
			closed.put("type", CLOSED);
			closed.put("code", "close " + statusCode);
			closed.put("message", reason);
			this.inbox.add(this.json.writeValueAsString(closed));
			return null;
		}

	}

}
