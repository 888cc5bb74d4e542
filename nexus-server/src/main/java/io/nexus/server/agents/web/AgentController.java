package io.nexus.server.agents.web;

import java.net.URI;
import java.security.Principal;
import java.util.Map;

import io.nexus.protocol.AgentStatus;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentQuery;
import io.nexus.server.agents.AgentRegistration;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The agents API of the seed: register, list, read, update, remove.
 */
@RestController
@RequestMapping("/api/agents")
@Tag(name = "Agents", description = "Register and manage agents")
@Validated
class AgentController {

	private final AgentRegistry registry;

	private final AuditLog audit;

	AgentController(AgentRegistry registry, AuditLog audit) {
		this.registry = registry;
		this.audit = audit;
	}

	@PostMapping
	@Operation(summary = "Register an agent", description = "The answer carries the agent's token, shown once.")
	ResponseEntity<AgentResponse> register(@Valid @RequestBody RegisterAgentRequest request) {
		AgentRegistration registration = this.registry.register(request.toNewAgent());
		this.audit.record("agent.registered", registration.agent().id().value(), AuditLog.SUCCESS,
				"capabilities " + registration.agent().capabilities());
		return ResponseEntity.created(URI.create("/api/agents/" + registration.agent().id()))
			.body(AgentResponse.of(registration.agent(), registration.token()));
	}

	@GetMapping
	@Operation(summary = "List agents, newest first")
	Page<AgentResponse> list(@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String capability,
			@RequestParam(required = false) @Nullable Boolean online,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String cursor) {
		AgentQuery query = new AgentQuery((status != null) ? parseStatus(status) : null, capability, online);
		return this.registry.list(query, PageRequest.of(limit, cursor)).map(AgentResponse::of);
	}

	@GetMapping("/{id}")
	@Operation(summary = "Read an agent")
	AgentResponse get(@PathVariable String id) {
		return AgentResponse.of(this.registry.get(new AgentId(id)));
	}

	@PutMapping("/{id}")
	@Operation(summary = "Update an agent's status, performance, capabilities or settings")
	AgentResponse update(@PathVariable String id, @Valid @RequestBody UpdateAgentRequest request,
			Authentication caller) {
		if (isAgent(caller) && !request.onlyReportsCondition()) {
			throw new AccessDeniedException("an agent may only report its status and performance");
		}
		return AgentResponse.of(this.registry.update(new AgentId(id), request.toChanges()));
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Remove an agent; its unfinished tasks go back to the queue")
	ResponseEntity<Void> delete(@PathVariable String id, Principal principal) {
		this.registry.delete(new AgentId(id), principal.getName());
		this.audit.record("agent.deleted", id, AuditLog.SUCCESS, null);
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/{id}/pause")
	@Operation(summary = "Pause an agent: it gets no new tasks and keeps its running ones")
	AgentResponse pause(@PathVariable String id) {
		return AgentResponse.of(this.registry.setStatus(new AgentId(id), AgentStatus.PAUSED));
	}

	@PostMapping("/{id}/resume")
	@Operation(summary = "Resume a paused or draining agent")
	AgentResponse resume(@PathVariable String id) {
		return AgentResponse.of(this.registry.setStatus(new AgentId(id), AgentStatus.ACTIVE));
	}

	@PostMapping("/{id}/drain")
	@Operation(summary = "Drain an agent: it finishes its running tasks, gets no new ones, then pauses")
	AgentResponse drain(@PathVariable String id) {
		return AgentResponse.of(this.registry.setStatus(new AgentId(id), AgentStatus.DRAINING));
	}

	@PostMapping("/{id}/rotate-token")
	@Operation(summary = "Issue a new token for an agent",
			description = "The old token stops working and the agent is disconnected; the answer carries the new "
					+ "token, shown once.")
	Map<String, String> rotateToken(@PathVariable String id) {
		String token = this.registry.rotateToken(new AgentId(id));
		this.audit.record("agent.token_rotated", id, AuditLog.SUCCESS, null);
		return Map.of("agent_id", id, "token", token);
	}

	@PostMapping("/{id}/revoke")
	@Operation(summary = "Revoke an agent's token and disconnect it",
			description = "The agent stays registered; rotate its token to let it back.")
	ResponseEntity<Void> revoke(@PathVariable String id, Principal principal) {
		this.registry.revokeToken(new AgentId(id), principal.getName());
		this.audit.record("agent.token_revoked", id, AuditLog.SUCCESS, null);
		return ResponseEntity.noContent().build();
	}

	private static boolean isAgent(Authentication caller) {
		return caller.getAuthorities().stream().anyMatch((authority) -> "ROLE_AGENT".equals(authority.getAuthority()));
	}

	private static AgentStatus parseStatus(String status) {
		try {
			return AgentStatus.fromWireName(status);
		}
		catch (IllegalArgumentException ex) {
			throw InvalidRequestException.badRequest("invalid_filter", ex.getMessage());
		}
	}

}
