/**
 * {@code nexusctl}: the operator command line of Nexus. It checks the health of a
 * deployment and steers agents and tasks through the REST API; it holds no state of its
 * own.
 */
@NullMarked
package io.nexus.cli;

import org.jspecify.annotations.NullMarked;
