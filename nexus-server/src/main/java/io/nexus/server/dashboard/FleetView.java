package io.nexus.server.dashboard;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.nexus.protocol.AgentStatus;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentQuery;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.dispatch.AgentConnections;
import io.nexus.server.dispatch.Contender;
import io.nexus.server.dispatch.Eligibility;
import io.nexus.server.dispatch.Eligibility.Ranked;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The agents as the dashboard shows them: each with its load and track record, and the
 * candidates for a manual assignment ranked like the dispatcher ranks them.
 */
@Service
class FleetView {

	private final AgentRegistry agents;

	private final JdbcClient jdbc;

	private final AgentConnections connections;

	private final Eligibility eligibility;

	FleetView(AgentRegistry agents, JdbcClient jdbc, AgentConnections connections, Eligibility eligibility) {
		this.agents = agents;
		this.jdbc = jdbc;
		this.connections = connections;
		this.eligibility = eligibility;
	}

	@Transactional(readOnly = true)
	List<AgentRow> rows(@Nullable AgentStatus status, @Nullable String capability, @Nullable Boolean online) {
		List<Agent> found = this.agents
			.list(new AgentQuery(status, blankToNull(capability), online), new PageRequest(PageRequest.MAX_LIMIT, null))
			.items();
		Map<String, long[]> stats = stats();
		return found.stream().map((agent) -> row(agent, stats)).toList();
	}

	@Transactional(readOnly = true)
	AgentRow row(Agent agent) {
		return row(agent, stats());
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

	private static AgentRow row(Agent agent, Map<String, long[]> stats) {
		long[] counts = stats.getOrDefault(agent.id().value(), new long[3]);
		return new AgentRow(agent, counts[0], counts[1], counts[2]);
	}

	private Map<String, long[]> stats() {
		Map<String, long[]> stats = new HashMap<>();
		this.jdbc.sql("""
				SELECT assigned_agent_id AS agent,
				       SUM(CASE WHEN status IN ('assigned', 'in_progress') THEN 1 ELSE 0 END) AS active,
				       SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS completed,
				       SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed
				FROM tasks WHERE assigned_agent_id IS NOT NULL GROUP BY assigned_agent_id
				""").query((rs) -> {
			stats.put(rs.getString("agent"),
					new long[] { rs.getLong("active"), rs.getLong("completed"), rs.getLong("failed") });
		});
		return stats;
	}

	static @Nullable String blankToNull(@Nullable String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
