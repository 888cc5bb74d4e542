package io.nexus.server.governance;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.nexus.server.dispatch.Contender;
import io.nexus.server.dispatch.EligibilityRule;
import io.nexus.server.dispatch.Refusal;
import io.nexus.server.tasks.Task;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Nothing an active emergency stop covers is dispatched or assigned, not even by a forced
 * manual assignment.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class FleetStopRule implements EligibilityRule {

	private final ActiveStops stops;

	FleetStopRule(ActiveStops stops) {
		this.stops = stops;
	}

	@Override
	public boolean admits(Task task, Contender agent) {
		return this.stops.active().isEmpty() || this.stops.holding(task, agent.agent()) == null;
	}

	@Override
	public boolean admitsAny(Contender agent) {
		return this.stops.active().isEmpty() || !this.stops.holdsEverythingFor(agent.agent());
	}

	@Override
	public Set<String> heldCategories(Contender agent) {
		return this.stops.active().isEmpty() ? Set.of() : this.stops.heldCategoriesFor(agent.agent());
	}

	@Override
	public boolean binding() {
		return true;
	}

	@Override
	public Refusal refusal(Task task, Contender agent) {
		FleetStop stop = this.stops.holding(task, agent.agent());
		String id = (stop != null) ? stop.id() : "";
		String reason = (stop != null) ? stop.reason() : "";
		return new Refusal("fleet_stopped",
				"an emergency stop (" + id + ", " + ((stop != null) ? stop.mode().wireName() : "hold") + ") holds "
						+ ((stop != null) ? stop.scope().describe() : "the fleet") + ": " + reason,
				Map.of("stop_id", id, "agent_id", agent.agent().id().value()));
	}

	@Override
	public String noneAdmits(Task task, List<? extends Contender> considered) {
		FleetStop stop = this.stops.holding(task, considered.get(0).agent());
		return (stop != null)
				? "held by emergency stop " + stop.id() + " (" + stop.scope().describe() + "): " + stop.reason()
				: "held by an emergency stop";
	}

}
