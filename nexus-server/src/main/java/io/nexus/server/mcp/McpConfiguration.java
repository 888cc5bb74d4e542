package io.nexus.server.mcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The MCP server: the SDK's Streamable HTTP servlet at {@code /mcp} behind the security
 * chain of {@code /mcp} and {@link McpRequestGuard}, with the tools and resources of this
 * module. Sessions live in the memory of the node that answered {@code initialize}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "nexus.mcp.enabled", matchIfMissing = true)
class McpConfiguration {

	static final String ENDPOINT = "/mcp";

	/** Structured results carry no output schema, so nothing is ever validated. */
	private static final JsonSchemaValidator NO_OUTPUT_SCHEMAS = (schema,
			content) -> JsonSchemaValidator.ValidationResponse.asValid(null);

	@Bean
	HttpServletStreamableServerTransportProvider mcpTransport(McpProperties properties) {
		return HttpServletStreamableServerTransportProvider.builder()
			.jsonMapper(protocolMapper())
			.mcpEndpoint(ENDPOINT)
			.maxRequestSize(properties.maxRequestBytes())
			.contextExtractor(McpConfiguration::callerContext)
			.build();
	}

	@Bean(destroyMethod = "close")
	McpSyncServer mcpServer(HttpServletStreamableServerTransportProvider transport, TaskTools taskTools,
			FleetTools fleetTools, McpResources resources, ObjectProvider<BuildProperties> build) {
		BuildProperties properties = build.getIfAvailable();
		String version = (properties != null && properties.getVersion() != null) ? properties.getVersion() : "dev";
		List<SyncToolSpecification> tools = new ArrayList<>(taskTools.tools());
		tools.addAll(fleetTools.tools());
		return McpServer.sync(transport)
			.serverInfo("nexus", version)
			.instructions("Nexus is a control plane for fleets of AI agents. Tools create, read, list and cancel "
					+ "tasks, approve them, pause and resume agents and report usage; resources show the fleet, a "
					+ "task (nexus://tasks/{id}) or an agent (nexus://agents/{id}). Each tool needs the role of "
					+ "its REST endpoint.")
			.capabilities(McpSchema.ServerCapabilities.builder().tools(false).resources(false, false).build())
			.jsonMapper(protocolMapper())
			.jsonSchemaValidator(NO_OUTPUT_SCHEMAS)
			// tools run on the request's thread, bounded like every other request
			.immediateExecution(true)
			.tools(tools)
			.resources(resources.resources())
			.resourceTemplates(resources.templates())
			.build();
	}

	@Bean
	ServletRegistrationBean<HttpServletStreamableServerTransportProvider> mcpServlet(
			HttpServletStreamableServerTransportProvider transport) {
		ServletRegistrationBean<HttpServletStreamableServerTransportProvider> registration = new ServletRegistrationBean<>(
				transport, ENDPOINT);
		registration.setName("mcp");
		registration.setAsyncSupported(true);
		return registration;
	}

	@Bean
	FilterRegistrationBean<McpRequestGuard> mcpRequestGuard(McpProperties properties, JsonMapper json) {
		FilterRegistrationBean<McpRequestGuard> registration = new FilterRegistrationBean<>(
				new McpRequestGuard(properties.maxRequestBytes(), json, protocolMapper()));
		registration.addUrlPatterns(ENDPOINT);
		// after Spring Security (-100): an unauthenticated body is never parsed
		registration.setOrder(0);
		return registration;
	}

	/**
	 * The protocol's own mapper: MCP's messages are camelCase, unlike the REST API's
	 * snake_case mapper.
	 */
	private static JacksonMcpJsonMapper protocolMapper() {
		return new JacksonMcpJsonMapper(JsonMapper.builder().build());
	}

	private static McpTransportContext callerContext(HttpServletRequest request) {
		Map<String, Object> context = new HashMap<>();
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication != null) {
			context.put(ToolRunner.AUTHENTICATION, authentication);
		}
		context.put(ToolRunner.ADDRESS, request.getRemoteAddr());
		return McpTransportContext.create(context);
	}

}
