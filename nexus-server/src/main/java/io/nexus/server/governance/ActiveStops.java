package io.nexus.server.governance;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexus.server.agents.Agent;
import io.nexus.server.dispatch.ClusterEvent;
import io.nexus.server.dispatch.Dispatcher;
import io.nexus.server.governance.persistence.FleetStopRepository;
import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The emergency stops in force as this node knows them: read from the database once a
 * second ({@code nexus.governance.refresh-interval}) and at once when another node says
 * they changed. Dispatch asks here for every task-agent pair, so nothing here does I/O on
 * that path.
 */
@Component
class ActiveStops {

	private static final Logger logger = LoggerFactory.getLogger(ActiveStops.class);

	private final FleetStopRepository repository;

	// dispatch asks this board through its eligibility rules: looked up when needed
	private final ObjectProvider<Dispatcher> dispatcher;

	private volatile List<FleetStop> active = List.of();

	ActiveStops(FleetStopRepository repository, ObjectProvider<Dispatcher> dispatcher, MeterRegistry meters) {
		this.repository = repository;
		this.dispatcher = dispatcher;
		Gauge.builder("nexus.fleet.stops.active", this, (stops) -> stops.active().size())
			.description("Emergency stops in force (POST /api/fleet/stop), as this node last read them")
			.register(meters);
	}

	List<FleetStop> active() {
		return this.active;
	}

	/**
	 * Whether an active stop holds the task back from the agent. Called for every pair in
	 * a dispatch round: no I/O.
	 * @param task the task
	 * @param agent the agent
	 * @return the stop that holds it, or {@code null}
	 */
	@Nullable FleetStop holding(Task task, Agent agent) {
		for (FleetStop stop : this.active) {
			if (stop.covers(task, agent)) {
				return stop;
			}
		}
		return null;
	}

	/**
	 * Whether a stop keeps the agent from any task at all.
	 * @param agent the agent
	 * @return {@code true} if a stop covers the agent and every category
	 */
	boolean holdsEverythingFor(Agent agent) {
		for (FleetStop stop : this.active) {
			if (stop.scope().categories().isEmpty() && stop.scope().coversAgent(agent)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The categories that stops hold for the agent, whatever else the task is.
	 * @param agent the agent
	 * @return the categories named by the stops that cover the agent
	 */
	Set<String> heldCategoriesFor(Agent agent) {
		Set<String> held = new HashSet<>();
		for (FleetStop stop : this.active) {
			if (stop.scope().coversAgent(agent)) {
				held.addAll(stop.scope().categories());
			}
		}
		return held;
	}

	/**
	 * Reads the active stops again; runs once a second on every node.
	 */
	@Scheduled(fixedDelayString = "${nexus.governance.refresh-interval:1s}")
	void refresh() {
		List<FleetStop> before = this.active;
		try {
			this.active = List.copyOf(this.repository.findActive());
		}
		catch (RuntimeException ex) {
			// the database is away: keep the last known stops, fail safe
			logger.debug("Could not read the emergency stops: {}", ex.getMessage());
			return;
		}
		if (!before.isEmpty() && this.active.size() < before.size()) {
			this.dispatcher.ifAvailable(Dispatcher::wake);
		}
	}

	@EventListener
	void onClusterEvent(ClusterEvent event) {
		if (FleetStops.CHANGED.equals(event.kind())) {
			refresh();
		}
	}

}
