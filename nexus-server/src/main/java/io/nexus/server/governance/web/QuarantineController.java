package io.nexus.server.governance.web;

import java.security.Principal;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.QuarantineView;
import io.nexus.server.governance.AgentBreaker;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.PlainText;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Quarantine by hand and release: {@code POST /api/agents/{id}/quarantine} and
 * {@code /release} (operators), {@code GET /api/quarantines} (any role). The breaker
 * quarantines on its own ({@link AgentBreaker}).
 */
@RestController
@Tag(name = "Quarantine", description = "Agents that get no new work because they failed, or by an operator's hand")
class QuarantineController {

	/** The most agents one listing returns. */
	static final int MAX_LISTED = 1000;

	private final AgentBreaker breaker;

	private final Clock clock;

	QuarantineController(AgentBreaker breaker, Clock clock) {
		this.breaker = breaker;
		this.clock = clock;
	}

	@PostMapping("/api/agents/{id}/quarantine")
	@Operation(summary = "Quarantine an agent by hand: it gets no new work until released",
			description = "Its unaccepted assignments return to the queue; running tasks finish unless "
					+ "nexus.governance.quarantine.running-tasks is requeue. No probe task goes by itself.")
	QuarantinedAgent quarantine(@PathVariable String id, @Valid @RequestBody QuarantineRequest request,
			Principal principal) {
		return QuarantinedAgent
			.of(this.breaker.quarantine(new AgentId(id), request.reason().strip(), principal.getName()), this.clock);
	}

	@PostMapping("/api/agents/{id}/release")
	@Operation(summary = "Release an agent from quarantine: it takes work again at once")
	QuarantinedAgent release(@PathVariable String id, Principal principal) {
		AgentId agentId = new AgentId(id);
		Agent released = this.breaker.release(agentId, principal.getName())
			.orElseThrow(() -> new ConflictException("not_quarantined", "Agent '" + id + "' is not in quarantine",
					Map.<String, Object>of("agent_id", id)));
		return QuarantinedAgent.of(released, this.clock);
	}

	@GetMapping("/api/quarantines")
	@Operation(summary = "The agents in quarantine, longest first (at most 1000)")
	QuarantineList quarantined() {
		return new QuarantineList(this.breaker.quarantined(MAX_LISTED)
			.stream()
			.map((agent) -> QuarantinedAgent.of(agent, this.clock))
			.toList());
	}

	/**
	 * The body of a quarantine by hand.
	 *
	 * @param reason why, for the agent's page and the audit log
	 */
	record QuarantineRequest(@NotBlank @Size(max = Limits.MAX_REASON) @PlainText String reason) {

	}

	/**
	 * Agents in quarantine.
	 *
	 * @param items the agents
	 */
	record QuarantineList(List<QuarantinedAgent> items) {

	}

	/**
	 * An agent and its quarantine.
	 *
	 * @param agentId the agent
	 * @param name its name
	 * @param online whether it is connected
	 * @param quarantine its quarantine, {@code null} once released
	 */
	record QuarantinedAgent(String agentId, String name, boolean online, @Nullable QuarantineView quarantine) {

		static QuarantinedAgent of(Agent agent, Clock clock) {
			return new QuarantinedAgent(agent.id().value(), agent.name(), agent.online(),
					QuarantineView.of(agent.quarantine(), clock.instant()));
		}

	}

}
