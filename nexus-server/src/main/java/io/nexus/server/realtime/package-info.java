/**
 * The WebSocket gateway at {@code /ws}: decodes agent frames, enforces the protocol's
 * limits, and hands each frame to dispatch.
 */
@NullMarked
package io.nexus.server.realtime;

import org.jspecify.annotations.NullMarked;
