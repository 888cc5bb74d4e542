package io.nexus.server.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.nexus.protocol.AgentStatus;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentQuery;
import io.nexus.server.agents.AgentRegistry;
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

	FleetView(AgentRegistry agents, JdbcClient jdbc) {
		this.agents = agents;
		this.jdbc = jdbc;
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
	 * Every agent with whether it could take the task now, best first.
	 * @param task a queued task
	 * @return the candidates
	 */
	@Transactional(readOnly = true)
	List<Candidate> candidates(Task task) {
		List<Candidate> result = new ArrayList<>();
		for (AgentRow row : rows(null, null, null)) {
			Agent agent = row.agent();
			List<String> missing = agent.missingCapabilities(task.requiredCapabilities());
			long free = Math.max(0, agent.maxConcurrency() - row.active());
			double success = (row.successRate() != null) ? row.successRate() / 100.0 : 1.0;
			double score = agent.priorityScore() + 50.0 * free / Math.max(1, agent.maxConcurrency()) + 30 * success;
			String why;
			if (!missing.isEmpty()) {
				why = "lacks " + String.join(", ", missing);
			}
			else if (!agent.status().acceptsNewWork()) {
				why = "is " + agent.status().wireName();
			}
			else if (free == 0) {
				why = "is full (" + row.active() + "/" + agent.maxConcurrency() + ")";
			}
			else if (!agent.online()) {
				why = "eligible; offline, the task waits until it connects";
			}
			else {
				why = "eligible";
			}
			result.add(new Candidate(agent, why.startsWith("eligible"), why, score));
		}
		result.sort(Comparator.comparing(Candidate::eligible)
			.thenComparing((Candidate c) -> c.agent().online())
			.thenComparingDouble(Candidate::score)
			.reversed());
		return result;
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
