/**
 * The Java library an agent embeds to work for Nexus: {@link io.nexus.sdk.NexusAgent}
 * connects over WebSocket, registers, runs assigned tasks with a
 * {@link io.nexus.sdk.TaskHandler} and reports them, reconnecting on its own. No Spring:
 * the JDK's HTTP client and Jackson only.
 */
@NullMarked
package io.nexus.sdk;

import org.jspecify.annotations.NullMarked;
