package io.nexus.sdk;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A message another agent sent to this one (directly or through a capability).
 *
 * @param fromAgent the sender
 * @param toAgent the recipient named by the sender, if it named one
 * @param toCapability the capability named by the sender, if it named one
 * @param body the message body ({@code NullNode} when empty)
 */
public record ReceivedMessage(@Nullable String fromAgent, @Nullable String toAgent, @Nullable String toCapability,
		JsonNode body) {

}
