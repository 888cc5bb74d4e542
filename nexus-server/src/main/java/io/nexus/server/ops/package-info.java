/**
 * Operations: status, the start-up report, and the translation of the seed's environment
 * variables into settings.
 */
@NullMarked
package io.nexus.server.ops;

import org.jspecify.annotations.NullMarked;
