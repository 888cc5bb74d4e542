package io.nexus.server.realtime;

import java.io.IOException;
import java.net.InetSocketAddress;

import io.nexus.protocol.CloseCode;
import io.nexus.protocol.frames.ServerFrame;
import io.nexus.server.dispatch.AgentChannel;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.SessionLimitExceededException;

/**
 * One agent connection: frames are encoded once and sent through a decorator that makes
 * concurrent sends safe and bounds what a slow agent can make Nexus buffer.
 */
final class SocketChannel implements AgentChannel {

	private static final Logger logger = LoggerFactory.getLogger(SocketChannel.class);

	private static final int SEND_TIME_LIMIT_MS = 10_000;

	private static final int BUFFER_LIMIT_BYTES = 4 * 1024 * 1024;

	private final WebSocketSession session;

	private final JsonMapper json;

	private final SocketMetrics metrics;

	SocketChannel(WebSocketSession session, JsonMapper json, SocketMetrics metrics) {
		this.session = new ConcurrentWebSocketSessionDecorator(session, SEND_TIME_LIMIT_MS, BUFFER_LIMIT_BYTES,
				ConcurrentWebSocketSessionDecorator.OverflowStrategy.TERMINATE);
		this.json = json;
		this.metrics = metrics;
	}

	@Override
	public void send(ServerFrame frame) {
		if (!this.session.isOpen()) {
			return;
		}
		try {
			byte[] payload = this.json.writeValueAsBytes(frame);
			this.session.sendMessage(new TextMessage(payload));
			this.metrics.sent(frame.type(), payload.length);
		}
		catch (SessionLimitExceededException ex) {
			// The agent reads too slowly: better a clean close (it reconnects and
			// resumes) than a
			// connection that silently drops frames.
			logger.warn("Closing {}: it does not keep up with the frames sent to it", describe());
			close(CloseCode.TOO_SLOW.code(), CloseCode.TOO_SLOW.reason());
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not send {} to {}: {}", frame.type(), describe(), ex.getMessage());
		}
	}

	@Override
	public void ping() {
		if (!this.session.isOpen()) {
			return;
		}
		try {
			this.session.sendMessage(new PingMessage(SocketMetrics.pingPayload()));
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not ping {}: {}", describe(), ex.getMessage());
		}
	}

	@Override
	public void close(int code, String reason) {
		try {
			this.session.close(new CloseStatus(code, reason));
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not close {}: {}", describe(), ex.getMessage());
		}
	}

	@Override
	public @Nullable String remoteAddress() {
		InetSocketAddress address = this.session.getRemoteAddress();
		if (address == null) {
			return null;
		}
		return (address.getAddress() != null) ? address.getAddress().getHostAddress() : address.getHostString();
	}

	@Override
	public String describe() {
		return this.session.getRemoteAddress() + " (session " + this.session.getId() + ")";
	}

	boolean isOpen() {
		return this.session.isOpen();
	}

}
