package io.nexus.server.a2a;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The A2A server's settings ({@code nexus.a2a.*}, docs/configuration.md).
 *
 * @param enabled whether the Agent Card and both bindings (JSON-RPC, HTTP+JSON) are
 * served
 * @param publicUrl the address clients reach Nexus at, for the card's interface URL; when
 * absent, the address of the request for the card
 * @param name the name the card gives
 * @param description what the card says Nexus does
 * @param maxRequestBytes the largest request body read, in either binding; a larger one
 * is refused
 * @param blockingWait how long a blocking {@code SendMessage} waits for the task to
 * finish or stop for input before it answers with the task as it is
 * @param streamTimeout how long a stream stays open at most
 * @param pollInterval how often open streams and waits re-read their tasks from the
 * database (changes made on this node are seen at once)
 * @param maxWatches how many streams and blocking waits may be open at once on this node
 * @param cardMaxAge how long clients may cache the Agent Card
 */
@ConfigurationProperties("nexus.a2a")
@Validated
record A2aProperties(@DefaultValue("true") boolean enabled, @Nullable String publicUrl,
		@DefaultValue("Nexus") String name,
		@DefaultValue("Nexus control plane: tasks sent here run on its governed fleet of agents") String description,
		@DefaultValue("524288") int maxRequestBytes, @DefaultValue("60s") Duration blockingWait,
		@DefaultValue("30m") Duration streamTimeout, @DefaultValue("1s") Duration pollInterval,
		@DefaultValue("1000") int maxWatches, @DefaultValue("60s") Duration cardMaxAge) {

}
