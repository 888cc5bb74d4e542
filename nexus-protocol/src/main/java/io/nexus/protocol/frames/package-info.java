/**
 * The frames of the agent WebSocket protocol, version {@value Frame#PROTOCOL_VERSION}.
 */
@NullMarked
package io.nexus.protocol.frames;

import org.jspecify.annotations.NullMarked;
