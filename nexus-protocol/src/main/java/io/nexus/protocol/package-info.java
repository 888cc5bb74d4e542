/**
 * The Nexus wire contract: the states, priorities and messages that the server, its
 * agents and its tools share. No Spring, no server code.
 */
@NullMarked
package io.nexus.protocol;

import org.jspecify.annotations.NullMarked;
