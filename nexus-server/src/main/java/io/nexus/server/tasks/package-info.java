/**
 * Tasks: the model, the lifecycle state machine, dependencies and the history of every
 * change.
 */
@NullMarked
package io.nexus.server.tasks;

import org.jspecify.annotations.NullMarked;
