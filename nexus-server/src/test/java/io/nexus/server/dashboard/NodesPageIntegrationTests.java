package io.nexus.server.dashboard;

import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nexus.server.cluster.Node;
import io.nexus.server.cluster.NodeMembership;
import io.nexus.server.cluster.NodeState;
import io.nexus.server.cluster.persistence.NodeRepository;
import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The nodes page over plain HTTP: every node of the {@code nodes} table with its state,
 * heartbeat and agents, dead nodes and late ones marked, and only for signed-in users. A
 * context of its own (the heartbeat setting), so that no other class's agents are online;
 * the node timeout is long so that the rows written here stay as written.
 */
@TestPropertySource(properties = { "nexus.cluster.heartbeat-interval=1s", "nexus.cluster.node-timeout=1h" })
class NodesPageIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private NodeRepository nodes;

	@Autowired
	private NodeMembership membership;

	@Test
	void listsEveryNodeWithItsStateHeartbeatAndAgentsAndMarksTheDeadOnes() {
		Instant now = Instant.now();
		Instant started = now.minus(Duration.ofMinutes(10));
		this.nodes.insert(new Node("node-gone", "gone-host:4100", "0.9.1", NodeState.UP, started,
				now.minus(Duration.ofMinutes(5)), null));
		assertThat(this.nodes.transition("node-gone", NodeState.UP, NodeState.DEAD, now.minus(Duration.ofMinutes(4))))
			.isTrue();
		this.nodes.insert(new Node("node-quiet", "quiet-host:4100", "0.9.2", NodeState.UP, started,
				now.minus(Duration.ofSeconds(30)), null));
		String self = this.membership.nodeId();
		String[] agent = registerAgent("nodes-page-agent");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			await().atMost(Duration.ofSeconds(10)).until(() -> row(page(), self).contains(">1</td>"));
			String page = page();
			assertThat(page).contains("<title>Nodes · Nexus</title>")
				.containsPattern("href=\"/nodes\"[^>]*aria-current=\"page\"")
				.contains("declared dead");

			String mine = row(page, self);
			assertThat(mine).contains("data-node-state=\"up\"", "this node", ">up</span>", "just now")
				.doesNotContain("missing heartbeats");
			assertThat(mine).containsPattern("data-node-agents>1</td>");

			String gone = row(page, "node-gone");
			assertThat(gone)
				.contains("node-dead", "data-node-state=\"dead\"", "n-dead", ">dead</span>", "gone-host:4100", "0.9.1",
						"UTC")
				// the heartbeat was 5 minutes ago when the test began; a slow machine may
				// take
				// a few seconds to the page (rendered to a tenth of a minute)
				.containsPattern("5(\\.[0-9])? min ago")
				.containsPattern("data-node-agents>0</td>")
				.doesNotContain("this node", "missing heartbeats");

			String quiet = row(page, "node-quiet");
			assertThat(quiet).as("live, but two heartbeat intervals without one")
				.contains("data-node-state=\"up\"", "missing heartbeats", "quiet-host:4100")
				.containsPattern("\\d\\d s ago");

			assertThat(number(page, "kpi-nodes-live")).isEqualTo(2);
			assertThat(number(page, "kpi-nodes-dead")).isEqualTo(1);
			assertThat(number(page, "kpi-nodes-agents")).isEqualTo(1);
			assertThat(page).as("the table refreshes with the live stream and on a timer")
				.contains("hx-trigger=\"nexus-changed from:body, every 2s\"");
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> number(page(), "kpi-nodes-agents") == 0);
	}

	@Test
	void asksForALoginBeforeShowingNodesAndShowsThemToAViewer() {
		ApiClient.Response anonymous = this.api.withoutToken()
			.send("GET", "/nodes", BodyPublishers.noBody(), null, "Accept", "text/html");
		assertThat(anonymous.status()).isEqualTo(302);
		assertThat(anonymous.header("Location")).endsWith("/login");
		assertThat(anonymous.body()).doesNotContain(this.membership.nodeId());

		assertThat(this.api
			.post("/api/users", "{\"username\":\"nodes-vera\",\"password\":\"nodes-password-1\",\"role\":\"viewer\"}")
			.status()).isEqualTo(201);
		ApiClient.Response viewer = new ApiClient(this.port).login("nodes-vera", "nodes-password-1").get("/nodes");
		assertThat(viewer.status()).isEqualTo(200);
		assertThat(viewer.body()).contains("data-node-id=\"" + this.membership.nodeId() + "\"");
	}

	private String page() {
		ApiClient.Response response = this.api.get("/nodes");
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return response.body();
	}

	private static String row(String page, String nodeId) {
		int start = page.indexOf("data-node-id=\"" + nodeId + "\"");
		assertThat(start).as("node %s is listed", nodeId).isPositive();
		int from = page.lastIndexOf("<tr", start);
		return page.substring(from, page.indexOf("</tr>", start));
	}

	private static long number(String page, String id) {
		Matcher matcher = Pattern.compile("id=\"" + id + "\"[^>]*>(\\d+)<").matcher(page);
		assertThat(matcher.find()).as("%s on the page", id).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	private String[] registerAgent(String name) {
		ApiClient.Response response = this.api.post("/api/agents",
				"{\"name\":\"" + name + "\",\"capabilities\":[\"nodes-page\"]}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

}
