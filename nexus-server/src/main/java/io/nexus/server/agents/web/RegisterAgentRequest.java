package io.nexus.server.agents.web;

import java.util.List;
import java.util.Map;

import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.NewAgent;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.PlainText;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/agents}.
 *
 * @param id an id of the agent's choosing; made by Nexus when absent
 * @param name a human name
 * @param capabilities what the agent can do
 * @param priorityScore preference among eligible agents, 0 to 1000 (default 0)
 * @param maxConcurrency tasks it may run at once, 1 to 1000 (default 1)
 * @param labels free-form labels
 */
record RegisterAgentRequest(@Nullable @Pattern(regexp = AgentId.PATTERN) String id,
		@NotBlank @Size(max = Limits.MAX_TITLE) @PlainText String name,
		@Nullable @Size(max = Limits.MAX_CAPABILITIES) List<@CapabilityName String> capabilities,
		@Nullable @PriorityScore Integer priorityScore, @Nullable @MaxConcurrency Integer maxConcurrency,
		@Nullable @Size(max = Limits.MAX_LABELS) Map<@LabelKey String, @LabelValue String> labels) {

	NewAgent toNewAgent() {
		return new NewAgent((this.id != null) ? new AgentId(this.id) : null, this.name.strip(),
				(this.capabilities != null) ? this.capabilities : List.of(),
				(this.priorityScore != null) ? this.priorityScore : 0,
				(this.maxConcurrency != null) ? this.maxConcurrency : 1,
				(this.labels != null) ? this.labels : Map.of());
	}

}
