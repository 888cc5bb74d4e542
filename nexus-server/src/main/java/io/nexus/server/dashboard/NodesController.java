package io.nexus.server.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.nexus.server.cluster.ClusterProperties;
import io.nexus.server.cluster.NodeMembership;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The nodes page: every node sharing the database, as {@code GET /api/nodes} lists them.
 * Node heartbeats are not events the live stream carries, so the table also polls once a
 * heartbeat interval (at least every 2 s, at most every 30 s).
 */
@Controller
class NodesController {

	private final NodeMembership membership;

	private final ClusterProperties cluster;

	private final Clock clock;

	NodesController(NodeMembership membership, ClusterProperties cluster, Clock clock) {
		this.membership = membership;
		this.cluster = cluster;
		this.clock = clock;
	}

	@GetMapping("/nodes")
	String nodes(Model model) {
		Instant now = this.clock.instant();
		Duration lateAfter = this.cluster.heartbeatInterval().multipliedBy(2);
		List<NodeRow> rows = this.membership.list().stream().map((view) -> NodeRow.of(view, now, lateAfter)).toList();
		model.addAttribute("page", "nodes");
		model.addAttribute("rows", rows);
		model.addAttribute("liveCount", rows.stream().filter(NodeRow::live).count());
		model.addAttribute("deadCount", rows.stream().filter(NodeRow::dead).count());
		model.addAttribute("agentCount", rows.stream().mapToLong(NodeRow::agents).sum());
		model.addAttribute("nodeTimeout", words(this.cluster.nodeTimeout()));
		model.addAttribute("retention", words(this.cluster.retention()));
		model.addAttribute("pollSeconds", Math.min(30, Math.max(2, this.cluster.heartbeatInterval().toSeconds())));
		return "dashboard/nodes";
	}

	private static String words(Duration duration) {
		return Durations.human(duration.toMillis() / 1000.0).replace(".0 ", " ");
	}

}
