package io.nexus.server.dashboard;

import java.io.Serializable;
import java.util.Map;

import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.NewAgent;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.PlainText;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The register-agent form.
 *
 * @param id an id of the operator's choosing, or empty to have one made
 * @param name a human name
 * @param capabilities what it can do, comma-separated
 * @param priorityScore preference among eligible agents
 * @param maxConcurrency how many tasks at once
 */
record AgentForm(
		@Nullable @Pattern(regexp = "^$|" + AgentId.PATTERN,
				message = "Id: letters, digits and . _ - only, up to 64") String id,
		@NotBlank(message = "Name is required") @Size(max = Limits.MAX_TITLE) @PlainText String name,
		@Nullable String capabilities, @Nullable @Min(0) @Max(Limits.MAX_PRIORITY_SCORE) Integer priorityScore,
		@Nullable @Min(1) @Max(Limits.MAX_CONCURRENCY) Integer maxConcurrency) implements Serializable {

	NewAgent toNewAgent() {
		String chosen = FleetView.blankToNull(this.id);
		return new NewAgent((chosen != null) ? new AgentId(chosen) : null, this.name.strip(),
				FormLists.split(this.capabilities, Limits.NAME_PATTERN, Limits.MAX_CAPABILITIES, "capabilities"),
				(this.priorityScore != null) ? this.priorityScore : 0,
				(this.maxConcurrency != null) ? this.maxConcurrency : 1, Map.of());
	}

}
