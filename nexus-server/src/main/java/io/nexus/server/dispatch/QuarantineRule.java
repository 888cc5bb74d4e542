package io.nexus.server.dispatch;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.nexus.server.agents.AgentQuarantine;
import io.nexus.server.tasks.Task;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * An agent in quarantine gets no new work; once its cool-down has passed it gets one
 * probe task at a time (it is half-open), whose outcome closes or re-opens its breaker.
 * An operator's forced assignment may still reach it. Applied after the enrolment scope,
 * any emergency stop, the placement policies and the task's agent selector, whose reasons
 * come first.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 4)
class QuarantineRule implements EligibilityRule {

	private final Clock clock;

	QuarantineRule(Clock clock) {
		this.clock = clock;
	}

	@Override
	public boolean admits(Task task, Contender agent) {
		return admitsAny(agent);
	}

	@Override
	public boolean admitsAny(Contender agent) {
		AgentQuarantine quarantine = agent.agent().quarantine();
		return quarantine == null || (agent.held() == 0 && quarantine.halfOpen(this.clock.millis()));
	}

	@Override
	public Refusal refusal(Task task, Contender agent) {
		AgentQuarantine quarantine = agent.agent().quarantine();
		String id = agent.agent().id().value();
		if (quarantine == null) {
			return new Refusal("agent_quarantined", "agent '" + id + "' is in quarantine", Map.of("agent_id", id));
		}
		String why = quarantine.halfOpen(this.clock.millis())
				? "is in quarantine and runs one probe task at a time (" + quarantine.detail() + ")"
				: "is in quarantine (" + quarantine.detail() + ")" + ((quarantine.cooldownUntil() != null)
						? " until " + quarantine.cooldownUntil() : " until an operator releases it");
		return new Refusal("agent_quarantined", "agent '" + id + "' " + why,
				Map.of("agent_id", id, "quarantine_reason", quarantine.reason().wireName()));
	}

	@Override
	public String noneAdmits(Task task, List<? extends Contender> considered) {
		Contender first = considered.get(0);
		AgentQuarantine quarantine = first.agent().quarantine();
		return "all " + considered.size() + " eligible agent(s) are in quarantine (agent " + first.agent().id() + ": "
				+ ((quarantine != null) ? quarantine.detail() : "quarantined") + ")";
	}

}
