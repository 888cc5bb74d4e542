package io.nexus.server.mcp;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.security.Role;
import io.nexus.server.shared.DatabaseOutage;
import io.nexus.server.shared.NexusException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Runs one tool call the way the REST API runs a request: the caller's role is checked
 * against the role the tool's REST endpoint needs, the arguments are bound and validated
 * with Bean Validation, module exceptions become the REST API's problem details, and the
 * call is audited with the caller and its MCP client. Every failure is a tool result with
 * {@code isError: true}, never a protocol error or an HTTP 5xx.
 */
@Component
class ToolRunner {

	/** Key of the caller's {@link Authentication} in the MCP transport context. */
	static final String AUTHENTICATION = "nexus.authentication";

	/** Key of the caller's address in the MCP transport context. */
	static final String ADDRESS = "nexus.address";

	static final Set<Role> READERS = EnumSet.of(Role.VIEWER, Role.OPERATOR, Role.ADMIN);

	static final Set<Role> WRITERS = EnumSet.of(Role.OPERATOR, Role.ADMIN);

	private static final Logger log = LoggerFactory.getLogger(ToolRunner.class);

	private final AuditLog audit;

	private final JsonMapper json;

	private final Validator validator;

	ToolRunner(AuditLog audit, JsonMapper json, Validator validator) {
		this.audit = audit;
		this.json = json;
		this.validator = validator;
	}

	/**
	 * A tool whose handler runs under these rules.
	 * @param name the tool's name
	 * @param description what it does, for the model
	 * @param inputSchema the JSON Schema of its arguments
	 * @param roles the roles that may call it (those of its REST endpoint)
	 * @param readOnly whether it only reads
	 * @param handler what it does; returns what becomes the structured result
	 * @return the tool for the MCP server
	 */
	SyncToolSpecification tool(String name, String description, String inputSchema, Set<Role> roles, boolean readOnly,
			Function<ToolCall, Object> handler) {
		McpSchema.Tool tool = McpSchema.Tool.builder()
			.name(name)
			.description(description)
			.inputSchema(this.json.readValue(inputSchema, LinkedHashMap.class))
			.annotations(new McpSchema.ToolAnnotations(null, readOnly, null, null, false, null))
			.build();
		return SyncToolSpecification.builder()
			.tool(tool)
			.callHandler((exchange, request) -> call(name, roles, handler, exchange, request))
			.build();
	}

	/**
	 * The caller of a request on this MCP session.
	 * @param exchange the session's exchange
	 * @return the caller
	 */
	static McpCaller callerOf(McpSyncServerExchange exchange) {
		McpTransportContext context = exchange.transportContext();
		Authentication authentication = (Authentication) context.get(AUTHENTICATION);
		if (authentication == null) {
			// the security chain lets no request through without one
			throw new IllegalStateException("MCP request without an authenticated caller");
		}
		return McpCaller.of(authentication, (String) context.get(ADDRESS), exchange.getClientInfo());
	}

	private CallToolResult call(String name, Set<Role> roles, Function<ToolCall, Object> handler,
			McpSyncServerExchange exchange, CallToolRequest request) {
		McpCaller caller = callerOf(exchange);
		if (caller.role().filter(roles::contains).isEmpty()) {
			audit(caller, name, AuditLog.DENIED, "forbidden");
			return failure(problem(403, "forbidden", "Your role does not allow this action"));
		}
		SecurityContext previous = SecurityContextHolder.getContext();
		SecurityContext context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(caller.authentication());
		SecurityContextHolder.setContext(context);
		try {
			Object result = handler.apply(new ToolCall(caller, arguments(request)));
			audit(caller, name, AuditLog.SUCCESS, null);
			return success(result);
		}
		catch (NexusException ex) {
			audit(caller, name, AuditLog.FAILURE, ex.code());
			Map<String, Object> problem = problem(status(ex.kind()), ex.code(), ex.getMessage());
			problem.putAll(ex.properties());
			return failure(problem);
		}
		catch (InvalidArgumentsException ex) {
			audit(caller, name, AuditLog.FAILURE, "validation_failed");
			Map<String, Object> problem = problem(400, "validation_failed", ex.getMessage());
			problem.put("errors", ex.errors());
			return failure(problem);
		}
		catch (RuntimeException ex) {
			if (DatabaseOutage.isCause(ex)) {
				log.warn("MCP tool {} failed: the database is unavailable ({})", name, ex.getMessage());
				audit(caller, name, AuditLog.FAILURE, "service_unavailable");
				return failure(problem(503, "service_unavailable", "The database is unavailable; try again shortly"));
			}
			log.error("MCP tool {} failed", name, ex);
			audit(caller, name, AuditLog.FAILURE, "internal_error");
			return failure(problem(500, "internal_error", "The tool failed unexpectedly; the server log has why"));
		}
		finally {
			SecurityContextHolder.setContext(previous);
		}
	}

	private JsonNode arguments(CallToolRequest request) {
		return this.json.valueToTree((request.arguments() != null) ? request.arguments() : Map.of());
	}

	private void audit(McpCaller caller, String tool, String outcome, @Nullable String code) {
		this.audit.recordFrom(caller.name(), caller.address(), "mcp.tool_called", tool, outcome,
				caller.describe() + ((code != null) ? " error=" + code : ""));
	}

	private CallToolResult success(Object result) {
		@SuppressWarnings("unchecked")
		Map<String, Object> structured = this.json.convertValue(result, LinkedHashMap.class);
		return CallToolResult.builder()
			.structuredContent(structured)
			.addTextContent(this.json.writeValueAsString(structured))
			.isError(false)
			.build();
	}

	private CallToolResult failure(Map<String, Object> problem) {
		return CallToolResult.builder()
			.structuredContent(problem)
			.addTextContent(problem.get("detail") + " (" + problem.get("type") + ")")
			.isError(true)
			.build();
	}

	private static Map<String, Object> problem(int status, String code, @Nullable String detail) {
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "urn:nexus:problem:" + code);
		problem.put("status", status);
		problem.put("detail", (detail != null) ? detail : code);
		return problem;
	}

	private static int status(NexusException.Kind kind) {
		return switch (kind) {
			case BAD_REQUEST -> 400;
			case NOT_FOUND -> 404;
			case FORBIDDEN -> 403;
			case CONFLICT -> 409;
			case UNPROCESSABLE -> 422;
			case UNAVAILABLE -> 503;
			case SERVER_FAULT -> 500;
		};
	}

	/**
	 * One call of a tool: who calls it and with what.
	 *
	 * @param caller the caller
	 * @param arguments the arguments as sent
	 */
	record ToolCall(McpCaller caller, JsonNode arguments) {

	}

	/**
	 * Binds a call's arguments to a record and validates it as the REST API validates its
	 * request bodies; unknown fields are refused.
	 * @param <T> the record type
	 * @param call the call
	 * @param type the record type
	 * @return the arguments
	 * @throws InvalidArgumentsException when they do not bind or are not valid
	 */
	<T> T bind(ToolCall call, Class<T> type) {
		T arguments;
		try {
			arguments = this.json.readerFor(type)
				.with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
				.readValue(call.arguments());
		}
		catch (JacksonException ex) {
			String field = ex.getPath().isEmpty() ? "arguments"
					: String.valueOf(ex.getPath().get(ex.getPath().size() - 1).getPropertyName());
			throw new InvalidArgumentsException(List.of(Map.of("field", field, "message", reason(ex))));
		}
		Set<ConstraintViolation<T>> violations = this.validator.validate(arguments);
		if (!violations.isEmpty()) {
			List<Map<String, Object>> errors = new ArrayList<>();
			violations.forEach((violation) -> errors.add(Map.of("field",
					snakeCase(violation.getPropertyPath().toString()), "message", violation.getMessage())));
			throw new InvalidArgumentsException(errors);
		}
		return arguments;
	}

	private static String reason(JacksonException ex) {
		String message = ex.getOriginalMessage();
		if (message != null && message.startsWith("Unrecognized property")) {
			return "is not an argument of this tool";
		}
		return "has the wrong type or form";
	}

	private static String snakeCase(String path) {
		return path.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
	}

}
