package io.nexus.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The Nexus control plane.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class NexusApplication {

	/**
	 * Tomcat's WebSocket buffers (frame input, output and text encoding: three per
	 * connection) default to 8 KiB each; 2 KiB keeps an idle agent's connection small.
	 * Frames of any size still pass: the container reads and writes them in parts. A JVM
	 * flag ({@code -Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=...}) wins. It is a
	 * system property because Tomcat reads it once, when its WebSocket classes load.
	 */
	static final String WEBSOCKET_BUFFER_PROPERTY = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	public static void main(String[] args) {
		if (System.getProperty(WEBSOCKET_BUFFER_PROPERTY) == null) {
			System.setProperty(WEBSOCKET_BUFFER_PROPERTY, "2048");
		}
		SpringApplication.run(NexusApplication.class, args);
	}

}
