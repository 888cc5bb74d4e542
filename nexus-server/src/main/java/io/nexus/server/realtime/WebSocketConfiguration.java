package io.nexus.server.realtime;

import java.util.Map;

import io.nexus.server.dispatch.DispatchProperties;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * Mounts the agent protocol at {@code /ws}. Origins are not restricted: agents
 * authenticate with tokens in the protocol, never with cookies, so a foreign page gains
 * nothing.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketConfiguration implements WebSocketConfigurer {

	static final String BEARER_ATTRIBUTE = "nexus.bearer";

	private static final int SOCKET_BUFFER_BYTES = 2 * 1024;

	private final AgentSocketHandler handler;

	WebSocketConfiguration(AgentSocketHandler handler) {
		this.handler = handler;
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(this.handler, "/ws").addInterceptors(new BearerCapture()).setAllowedOriginPatterns("*");
	}

	@Bean
	ServletServerContainerFactoryBean webSocketContainer(DispatchProperties properties) {
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		// Small per-connection buffers: frames are delivered in parts and assembled by
		// the handler up to nexus.dispatch.max-frame-size, so an idle agent costs a few
		// KiB, not the frame limit, and a frame of any size gets frame_too_large
		// instead of a container close.
		container.setMaxTextMessageBufferSize(SOCKET_BUFFER_BYTES);
		container.setMaxBinaryMessageBufferSize(1024);
		container.setMaxSessionIdleTimeout(properties.heartbeatTimeout().toMillis() * 4);
		return container;
	}

	/**
	 * Small socket buffers: Tomcat gives every connection a read and a write buffer of 8
	 * KiB by default, kept for as long as an agent's WebSocket is open. Requests and
	 * responses larger than these still pass, in more reads and writes.
	 */
	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> smallSocketBuffers() {
		return (factory) -> factory.addConnectorCustomizers((connector) -> {
			connector.setProperty("socket.appReadBufSize", String.valueOf(SOCKET_BUFFER_BYTES));
			connector.setProperty("socket.appWriteBufSize", String.valueOf(SOCKET_BUFFER_BYTES));
		});
	}

	/**
	 * Keeps the handshake's {@code Authorization: Bearer} token for the registration.
	 */
	private static final class BearerCapture implements HandshakeInterceptor {

		@Override
		public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
				WebSocketHandler wsHandler, Map<String, Object> attributes) {
			String header = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
			if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
				attributes.put(BEARER_ATTRIBUTE, header.substring(7).strip());
			}
			return true;
		}

		@Override
		public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
				Exception exception) {
		}

	}

}
