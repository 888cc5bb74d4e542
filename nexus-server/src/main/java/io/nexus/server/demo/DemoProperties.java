package io.nexus.server.demo;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Demo mode ({@code nexus.demo.*}, or {@code NEXUS_DEMO=true}).
 *
 * @param enabled whether to run the demo
 * @param agents how many simulated agents to start (up to 8)
 * @param taskInterval how often a demo task is created
 */
@ConfigurationProperties("nexus.demo")
public record DemoProperties(@DefaultValue("false") boolean enabled, @DefaultValue("4") int agents,
		@DefaultValue("2s") Duration taskInterval) {

}
