package io.nexus.server.mcp;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The MCP server ({@code nexus.mcp.*}).
 *
 * @param enabled whether {@code /mcp} answers at all
 * @param maxRequestBytes the largest JSON-RPC message accepted; larger ones get HTTP 413
 * with a JSON-RPC error. Room for the largest task payload (256 KiB) and its envelope.
 */
@Validated
@ConfigurationProperties("nexus.mcp")
record McpProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("524288") @Min(1024) @Max(1_048_576) int maxRequestBytes) {

}
