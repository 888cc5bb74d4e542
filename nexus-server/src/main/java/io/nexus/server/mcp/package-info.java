/**
 * Nexus as an MCP server: tools and resources for an LLM operator over the Streamable
 * HTTP transport at {@code /mcp}, calling the same services as the REST API with the same
 * role rules and audit (docs/interop.md).
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "audit", "governance", "security", "shared", "tasks", "usage" })
package io.nexus.server.mcp;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
