package io.nexus.server.agents.web;

import java.util.List;
import java.util.Map;

import io.nexus.protocol.AgentStatus;
import io.nexus.server.agents.AgentChanges;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.NotBlankWhenPresent;
import io.nexus.server.shared.PlainText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code PUT /api/agents/{id}}; absent fields stay as they are.
 *
 * @param name a new name
 * @param status a new operational status
 * @param performance reported resource use
 * @param capabilities a new set of capabilities
 * @param priorityScore a new priority score
 * @param maxConcurrency a new concurrency limit
 * @param labels new labels, replacing the old
 */
record UpdateAgentRequest(@Nullable @NotBlankWhenPresent @Size(max = Limits.MAX_TITLE) @PlainText String name,
		@Nullable AgentStatus status, @Nullable @Valid Performance performance,
		@Nullable @Size(max = Limits.MAX_CAPABILITIES) List<@CapabilityName String> capabilities,
		@Nullable @PriorityScore Integer priorityScore, @Nullable @MaxConcurrency Integer maxConcurrency,
		@Nullable @Size(max = Limits.MAX_LABELS) Map<@LabelKey String, @LabelValue String> labels) {

	/**
	 * Resource use as the agent reports it.
	 *
	 * @param cpuUsage CPU use in percent, 0 to 100
	 * @param memoryUsage memory use in percent, 0 to 100
	 */
	record Performance(@Nullable @DecimalMin("0.0") @DecimalMax("100.0") Double cpuUsage,
			@Nullable @DecimalMin("0.0") @DecimalMax("100.0") Double memoryUsage) {

	}

	/**
	 * Whether the update only reports the agent's condition (status, performance), which
	 * is all an agent may change about itself: capabilities and scheduling settings are
	 * for operators.
	 * @return {@code true} if nothing else changes
	 */
	boolean onlyReportsCondition() {
		return this.name == null && this.capabilities == null && this.priorityScore == null
				&& this.maxConcurrency == null && this.labels == null;
	}

	AgentChanges toChanges() {
		return new AgentChanges((this.name != null) ? this.name.strip() : null, this.status, this.capabilities,
				this.priorityScore, this.maxConcurrency, this.labels,
				(this.performance != null) ? this.performance.cpuUsage() : null,
				(this.performance != null) ? this.performance.memoryUsage() : null);
	}

}
