package io.nexus.server.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.cluster.persistence.NodeRepository;
import io.nexus.server.ops.NodeIdentity;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * This node's membership: it registers when its HTTP port is open, heartbeats every
 * {@code nexus.cluster.heartbeat-interval}, and on each heartbeat declares dead the nodes
 * silent for longer than {@code nexus.cluster.node-timeout}. Declaring a node dead is a
 * conditional update in one transaction with the release of its agents, so exactly one
 * live node does it; the agents' reconnect grace starts from the dead node's last
 * heartbeat, and the lease reaper of any node takes their tasks back when it ends. A node
 * judges others only once its own heartbeats have reached the database for a whole node
 * timeout (after its start, or after it lost the database), so that an outage all nodes
 * saw alike does not make the first node back declare the others dead.
 * <p>
 * A starting node touches only its own earlier runs (live rows with the same address,
 * which cannot be running any more) and agent rows written before node membership
 * existed: agents connected to other live nodes keep their connections and tasks.
 */
@Service
public class NodeMembership {

	private static final Logger logger = LoggerFactory.getLogger(NodeMembership.class);

	private static final int MAX_LISTED = 200;

	private final NodeRepository nodes;

	private final AgentRegistry agents;

	private final ClusterProperties properties;

	private final Clock clock;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final String nodeId;

	private final String version;

	private final Map<NodeState, AtomicLong> gauges = new EnumMap<>(NodeState.class);

	private final Counter declaredDead;

	private volatile @Nullable Node self;

	/**
	 * Since when this node's heartbeats reach the database without a break; null after a
	 * failed one. Only a node that could itself write for a whole node timeout may take
	 * another node's silence for death: after an outage that every node saw, the others
	 * need that long to heartbeat again.
	 */
	private volatile @Nullable Instant heartbeatingSince;

	NodeMembership(NodeRepository nodes, AgentRegistry agents, ClusterProperties properties, Clock clock,
			PlatformTransactionManager transactionManager, ApplicationEventPublisher events, NodeIdentity identity,
			ObjectProvider<BuildProperties> build, MeterRegistry meters) {
		this.nodes = nodes;
		this.agents = agents;
		this.properties = properties;
		this.clock = clock;
		this.transactions = new TransactionTemplate(transactionManager);
		this.events = events;
		this.nodeId = identity.nodeId();
		BuildProperties buildProperties = build.getIfAvailable();
		this.version = (buildProperties != null && buildProperties.getVersion() != null) ? buildProperties.getVersion()
				: "development";
		for (NodeState state : NodeState.values()) {
			AtomicLong value = new AtomicLong();
			this.gauges.put(state, value);
			Gauge.builder("nexus.cluster.nodes", value, AtomicLong::get)
				.description("Nodes in the nodes table by state (stopped and dead rows are kept for a day)")
				.tag("state", state.wireName())
				.register(meters);
		}
		this.declaredDead = Counter.builder("nexus.cluster.nodes.declared.dead")
			.description("Nodes this node declared dead after their heartbeat stopped")
			.register(meters);
	}

	/**
	 * This node's id, the one its agents' rows name.
	 * @return the id
	 */
	public String nodeId() {
		return this.nodeId;
	}

	@EventListener
	void onWebServerInitialized(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() != null || this.self != null) {
			return;
		}
		register(address(event.getWebServer().getPort()));
	}

	/**
	 * Registers this node and releases what its earlier runs at the same address left.
	 * @param address this node's address
	 */
	void register(String address) {
		Instant now = this.clock.instant();
		Node node = new Node(this.nodeId, address, this.version, NodeState.UP, now, now, null);
		this.transactions.executeWithoutResult((status) -> {
			this.nodes.insert(node);
			for (Node earlier : this.nodes.liveAt(address, this.nodeId)) {
				if (this.nodes.transition(earlier.id(), earlier.state(), NodeState.DEAD, now)) {
					int released = this.agents.markOfflineOnNode(earlier.id(), earlier.heartbeatAt());
					logger.info("Node {} at {} (an earlier run of this one) did not stop cleanly; its {} agent(s) "
							+ "have their reconnect grace to return", earlier.id(), address, released);
				}
			}
			int legacy = this.agents.markOfflineWithoutNode();
			if (legacy > 0) {
				logger.info("{} agent(s) were online without a node (written before node membership); "
						+ "they are offline until they reconnect", legacy);
			}
		});
		this.self = node;
		this.heartbeatingSince = now;
		logger.info("Node {} registered at {}", this.nodeId, address);
		refreshGauges();
	}

	private String address(int port) {
		if (this.properties.address() != null && !this.properties.address().isBlank()) {
			return this.properties.address();
		}
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "localhost";
		}
		return host + ":" + port;
	}

	@Scheduled(fixedDelayString = "${nexus.cluster.heartbeat-interval:5s}",
			initialDelayString = "${nexus.cluster.heartbeat-interval:5s}")
	void heartbeat() {
		if (this.self == null) {
			return;
		}
		try {
			Instant now = this.clock.instant();
			if (!this.nodes.heartbeat(this.nodeId, now)) {
				evicted(now);
			}
			Instant since = this.heartbeatingSince;
			if (since == null) {
				since = now;
				this.heartbeatingSince = now;
			}
			if (!now.isBefore(since.plus(this.properties.nodeTimeout()))) {
				sweep(now);
			}
			this.nodes.pruneEndedBefore(now.minus(this.properties.retention()));
			refreshGauges();
		}
		catch (RuntimeException ex) {
			this.heartbeatingSince = null;
			logger.warn("Node heartbeat failed ({}); it is tried again in {}", ex.getMessage(),
					this.properties.heartbeatInterval());
		}
	}

	private void evicted(Instant now) {
		Node node = this.self;
		if (node == null || node.state() != NodeState.UP) {
			return;
		}
		if (!this.nodes.revive(this.nodeId, now)) {
			this.nodes.insert(new Node(this.nodeId, node.address(), this.version, NodeState.UP, now, now, null));
		}
		logger.warn(
				"Node {} was declared dead by another node (its heartbeats did not reach the database for "
						+ "over {}); its agents were released, so they are asked to register again",
				this.nodeId, this.properties.nodeTimeout());
		this.events.publishEvent(new NodeEvicted(this.nodeId));
	}

	/**
	 * Declares dead the live nodes silent for longer than the node timeout and releases
	 * their agents.
	 * @param now the time
	 * @return how many nodes this call declared dead
	 */
	int sweep(Instant now) {
		Instant cutoff = now.minus(this.properties.nodeTimeout());
		int count = 0;
		for (Node silent : this.nodes.silentSince(cutoff)) {
			if (silent.id().equals(this.nodeId)) {
				continue;
			}
			Integer released = this.transactions.execute((status) -> this.nodes.declareDead(silent.id(), cutoff, now)
					? this.agents.markOfflineOnNode(silent.id(), silent.heartbeatAt()) : null);
			if (released != null) {
				count++;
				this.declaredDead.increment();
				logger.warn(
						"Node {} at {} sent no heartbeat since {}: declared dead; its {} agent(s) have their "
								+ "reconnect grace, counted from then, to reconnect to a live node",
						silent.id(), silent.address(), silent.heartbeatAt(), released);
			}
		}
		return count;
	}

	/**
	 * This node stops: it takes no new work and sends its agents elsewhere.
	 */
	public void draining() {
		if (this.self != null) {
			this.nodes.transition(this.nodeId, NodeState.UP, NodeState.DRAINING, this.clock.instant());
		}
	}

	/**
	 * This node stopped cleanly: its agents were released.
	 */
	public void stopped() {
		if (this.self != null) {
			this.nodes.transition(this.nodeId, NodeState.DRAINING, NodeState.STOPPED, this.clock.instant());
		}
	}

	/**
	 * This node runs again after a stop in the same process: it is live and takes agents.
	 */
	public void resumed() {
		if (this.self != null) {
			this.nodes.resume(this.nodeId, this.clock.instant());
			logger.info("Node {} resumed", this.nodeId);
		}
	}

	/**
	 * The nodes the table knows, live first.
	 * @return each node with how many online agents it holds
	 */
	public List<NodeView> list() {
		Map<String, Long> agentCounts = this.agents.countOnlineByNode();
		return this.nodes.all(MAX_LISTED)
			.stream()
			.map((node) -> new NodeView(node, node.id().equals(this.nodeId), agentCounts.getOrDefault(node.id(), 0L)))
			.toList();
	}

	private void refreshGauges() {
		this.nodes.countByState().forEach((state, count) -> this.gauges.get(state).set(count));
	}

	/**
	 * A node with what the listing adds.
	 *
	 * @param node the node
	 * @param self whether it is the node answering
	 * @param agents how many online agents it holds
	 */
	public record NodeView(Node node, boolean self, long agents) {

	}

}
