package io.nexus.server.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.nexus.protocol.AgentStatus;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentQuery;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.analytics.AgentActivity;
import io.nexus.server.analytics.Analytics;
import io.nexus.server.dispatch.AgentConnections;
import io.nexus.server.dispatch.Contender;
import io.nexus.server.dispatch.Eligibility;
import io.nexus.server.dispatch.Eligibility.Ranked;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The agents as the dashboard shows them: each with its load and track record, and the
 * candidates for a manual assignment ranked like the dispatcher ranks them.
 */
@Service
class FleetView {

	private final AgentRegistry agents;

	private final Analytics analytics;

	private final AgentConnections connections;

	private final Eligibility eligibility;

	FleetView(AgentRegistry agents, Analytics analytics, AgentConnections connections, Eligibility eligibility) {
		this.agents = agents;
		this.analytics = analytics;
		this.connections = connections;
		this.eligibility = eligibility;
	}

	@Transactional(readOnly = true)
	List<AgentRow> rows(@Nullable AgentStatus status, @Nullable String capability, @Nullable Boolean online) {
		List<Agent> found = this.agents
			.list(new AgentQuery(status, blankToNull(capability), online), new PageRequest(PageRequest.MAX_LIMIT, null))
			.items();
		Map<String, AgentActivity> stats = this.analytics.activityByAgent();
		return found.stream().map((agent) -> row(agent, stats)).toList();
	}

	@Transactional(readOnly = true)
	AgentRow row(Agent agent) {
		return row(agent, this.analytics.activityByAgent());
	}

	/**
	 * Every agent with whether it could take the task now, ranked as dispatch ranks them:
	 * an agent connected to this node as dispatch sees it (its live load, success rate
	 * and heartbeat latency), any other from its stored tasks.
	 * @param task a queued task
	 * @return the candidates, eligible and online first, best first
	 */
	@Transactional(readOnly = true)
	List<Candidate> candidates(Task task) {
		List<Contender> contenders = new ArrayList<>();
		for (AgentRow row : rows(null, null, null)) {
			Integer success = row.successRate();
			contenders.add(this.connections.get(row.agent().id())
				.<Contender>map((live) -> live)
				.orElseGet(() -> Contender.stored(row.agent(), (int) row.active(),
						(success != null) ? success / 100.0 : 1.0)));
		}
		return this.eligibility.rank(task, contenders).stream().map(FleetView::candidate).toList();
	}

	private static Candidate candidate(Ranked<Contender> ranked) {
		Agent agent = ranked.contender().agent();
		boolean eligible = ranked.verdict().eligible();
		String why = (eligible && !agent.online()) ? "eligible; offline, the task waits until it connects"
				: ranked.verdict().reason();
		return new Candidate(agent, eligible, why, ranked.score().value());
	}

	private static AgentRow row(Agent agent, Map<String, AgentActivity> stats) {
		AgentActivity activity = stats.getOrDefault(agent.id().value(), AgentActivity.NONE);
		return new AgentRow(agent, activity.active(), activity.completed(), activity.failed());
	}

	static @Nullable String blankToNull(@Nullable String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
