/**
 * The Java library an agent embeds to connect to Nexus. Its client grows with the
 * dispatch protocol; today it carries the shared contract.
 */
@NullMarked
package io.nexus.sdk;

import org.jspecify.annotations.NullMarked;
