package io.nexus.server.a2a.remote;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.nexus.server.a2a.remote.RemoteAgents.View;
import io.nexus.server.agents.AgentId;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.NotBlankWhenPresent;
import io.nexus.server.shared.PlainText;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Remote A2A agents, {@code /api/a2a/agents}: registered by their Agent Card URL (admin;
 * audited), read by every role. They also appear in {@code /api/agents} as agents
 * labelled {@code kind=a2a}.
 */
@RestController
@RequestMapping("/api/a2a/agents")
@Validated
@Tag(name = "A2A", description = "Remote A2A agents as fleet members")
class RemoteAgentController {

	private final RemoteAgents agents;

	private final AuditLog audit;

	RemoteAgentController(RemoteAgents agents, AuditLog audit) {
		this.agents = agents;
		this.audit = audit;
	}

	@PostMapping
	@Operation(summary = "Register a remote A2A agent by its Agent Card URL (admin)",
			description = "Nexus fetches the card, makes its skills the agent's capabilities and dispatches matching "
					+ "tasks to it. A URL that is not http(s) or points at a non-public address (unless "
					+ "nexus.a2a.remote.allowed-networks allows it), a card that cannot be fetched, and a card "
					+ "that is not an A2A 1.0 card with a JSON-RPC interface and skills get 422; a card URL "
					+ "registered already gets 409.")
	ResponseEntity<RemoteAgentResponse> register(@Valid @RequestBody RegisterRequest request) {
		View registered = this.agents.register(request.toRegistration(), AuditLog.currentActor());
		this.audit.record("a2a_agent.registered", registered.remote().agentId().value(), AuditLog.SUCCESS,
				"card " + registered.remote().cardUrl());
		return ResponseEntity.created(URI.create("/api/a2a/agents/" + registered.remote().agentId().value()))
			.body(RemoteAgentResponse.of(registered));
	}

	@GetMapping
	@Operation(summary = "The remote A2A agents (at most 1000)")
	RemoteAgentList list() {
		return new RemoteAgentList(this.agents.list().stream().map(RemoteAgentResponse::of).toList());
	}

	@GetMapping("/{id}")
	@Operation(summary = "One remote A2A agent, with its cached card and health")
	RemoteAgentResponse get(@PathVariable @Pattern(regexp = AgentId.PATTERN) String id) {
		return RemoteAgentResponse.of(this.agents.get(new AgentId(id)));
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Delete a remote A2A agent (admin)",
			description = "Its tasks are treated as those of any deleted agent.")
	ResponseEntity<Void> delete(@PathVariable @Pattern(regexp = AgentId.PATTERN) String id) {
		View deleted = this.agents.delete(new AgentId(id), AuditLog.currentActor());
		this.audit.record("a2a_agent.deleted", id, AuditLog.SUCCESS, "card " + deleted.remote().cardUrl());
		return ResponseEntity.noContent().build();
	}

	/**
	 * The body of a registration.
	 *
	 * @param cardUrl the Agent Card URL (http or https, at most 2048 characters)
	 * @param id an id for the agent; made by Nexus when absent
	 * @param name a name; the card's when absent
	 * @param labels labels ({@code kind=a2a} is added)
	 * @param maxConcurrentTasks how many tasks it gets at once, 1 to 1000 (default 4)
	 * @param authHeader the {@code Authorization} header value Nexus sends it (such as
	 * {@code Bearer ...}), stored encrypted when encryption at rest is on, never shown
	 */
	record RegisterRequest(@NotBlank @Size(max = 2048) String cardUrl,
			@Nullable @Pattern(regexp = AgentId.PATTERN) String id,
			@Nullable @NotBlankWhenPresent @Size(max = Limits.MAX_TITLE) @PlainText String name,
			@Nullable @Size(max = Limits.MAX_LABELS) Map<@Pattern(regexp = Limits.LABEL_KEY_PATTERN) String, @Size(
					max = Limits.MAX_LABEL_VALUE) @PlainText String> labels,
			@Nullable @Min(1) @Max(Limits.MAX_CONCURRENCY) Integer maxConcurrentTasks,
			@Nullable @Size(max = 4096) @Pattern(regexp = "^[\\x21-\\x7e][\\x20-\\x7e]*$") String authHeader) {

		RemoteAgents.Registration toRegistration() {
			return new RemoteAgents.Registration(this.cardUrl.strip(), this.id, this.name,
					(this.labels != null) ? this.labels : Map.of(),
					(this.maxConcurrentTasks != null) ? this.maxConcurrentTasks : 4, this.authHeader);
		}

		@Override
		public String toString() {
			return "RegisterRequest[" + this.cardUrl + "]";
		}

	}

	/**
	 * A remote agent.
	 *
	 * @param id its agent id
	 * @param name its name
	 * @param cardUrl its card URL
	 * @param rpcUrl the JSON-RPC URL Nexus calls
	 * @param streaming whether Nexus streams its answers
	 * @param capabilities its skills, as capabilities
	 * @param labels its labels
	 * @param maxConcurrentTasks how many tasks it gets at once
	 * @param status its agent status
	 * @param online whether a node holds its connection
	 * @param ownerNode the node that holds it
	 * @param reachable whether its card answered last time
	 * @param consecutiveFailures failed card fetches in a row
	 * @param lastLatencyMs how long the last card fetch took
	 * @param lastOkAt when its card last answered
	 * @param lastError the last failure
	 * @param hasAuthHeader whether Nexus sends it an Authorization header
	 * @param card its cached card
	 * @param createdBy who registered it
	 * @param createdAt when
	 */
	record RemoteAgentResponse(String id, String name, String cardUrl, String rpcUrl, boolean streaming,
			List<String> capabilities, Map<String, String> labels, int maxConcurrentTasks, String status,
			boolean online, @Nullable String ownerNode, boolean reachable, int consecutiveFailures,
			@Nullable Long lastLatencyMs, @Nullable Instant lastOkAt, @Nullable String lastError, boolean hasAuthHeader,
			JsonNode card, String createdBy, Instant createdAt) {

		static RemoteAgentResponse of(View view) {
			RemoteAgent remote = view.remote();
			var agent = view.agent();
			return new RemoteAgentResponse(remote.agentId().value(),
					(agent != null) ? agent.name() : remote.agentId().value(), remote.cardUrl().toString(),
					remote.rpcUrl().toString(), remote.streaming(), (agent != null) ? agent.capabilities() : List.of(),
					(agent != null) ? agent.labels() : Map.of(), (agent != null) ? agent.maxConcurrency() : 0,
					(agent != null) ? agent.status().wireName() : "deleted", agent != null && agent.online(),
					remote.ownerNode(), remote.reachable(), remote.consecutiveFailures(), remote.lastLatencyMillis(),
					remote.lastOkAt(), remote.lastError(), remote.authorization() != null, view.card(),
					remote.createdBy(), remote.createdAt());
		}

	}

	/**
	 * The list.
	 *
	 * @param agents the remote agents
	 */
	record RemoteAgentList(List<RemoteAgentResponse> agents) {

	}

}
