package io.nexus.server.cluster.web;

import java.time.Instant;
import java.util.List;

import io.nexus.server.cluster.NodeMembership;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/nodes}: the nodes sharing this database.
 */
@RestController
@Tag(name = "Operations")
class NodeController {

	private final NodeMembership membership;

	NodeController(NodeMembership membership) {
		this.membership = membership;
	}

	@GetMapping("/api/nodes")
	@Operation(summary = "Nodes sharing this database: live ones first, then those stopped or dead in the last day")
	NodeList list() {
		return new NodeList(this.membership.list().stream().map(NodeResponse::of).toList());
	}

	/**
	 * The listing.
	 *
	 * @param items the nodes, live first
	 */
	record NodeList(List<NodeResponse> items) {

	}

	/**
	 * A node.
	 *
	 * @param id a fresh id per start of the process
	 * @param address host name and HTTP port, or {@code nexus.cluster.address}
	 * @param version the version it runs
	 * @param state up, draining, stopped or dead
	 * @param startedAt when it registered
	 * @param heartbeatAt its last heartbeat
	 * @param endedAt when it stopped or was declared dead
	 * @param self whether this is the node that answered
	 * @param agents online agents connected to it
	 */
	record NodeResponse(String id, String address, String version, String state, Instant startedAt, Instant heartbeatAt,
			@Nullable Instant endedAt, boolean self, long agents) {

		static NodeResponse of(NodeMembership.NodeView view) {
			return new NodeResponse(view.node().id(), view.node().address(), view.node().version(),
					view.node().state().wireName(), view.node().startedAt(), view.node().heartbeatAt(),
					view.node().endedAt(), view.self(), view.agents());
		}

	}

}
