package io.nexus.cli;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Verifies a deployment the way the seed's service health monitor does: the API, the
 * status page, the agent WebSocket, the database, Redis (when Nexus reports one) and the
 * metrics endpoint, each with its latency.
 */
final class HealthChecker {

	private final NexusClient client;

	private final WebSocketProbe webSocket;

	HealthChecker(NexusClient client, Duration timeout) {
		this.client = client;
		this.webSocket = new WebSocketProbe(client.http(), client.json(), timeout);
	}

	List<CheckResult> run(URI webSocketEndpoint, @Nullable String agentId, @Nullable String agentToken) {
		List<CheckResult> results = new ArrayList<>();
		NexusClient.Reply health = null;
		try {
			health = this.client.send("GET", "/health", null, false);
			results.add(api(health));
		}
		catch (CliException ex) {
			results.add(CheckResult.down("api", null, ex.getMessage()));
		}
		results.add(status());
		results.add(this.webSocket.probe(webSocketEndpoint, agentId, agentToken));
		JsonNode components = (health != null) ? components(health) : null;
		results.add(component("database", "db", health, components, true));
		results.add(component("redis", "redis", health, components, false));
		results.add(metrics());
		return results;
	}

	private CheckResult api(NexusClient.Reply health) {
		String overall = overallStatus(health);
		String detail = "GET /health: HTTP " + health.status() + ((overall != null) ? ", " + overall : "");
		if (health.status() == 200) {
			return CheckResult.up("api", health.latencyMillis(), detail);
		}
		return CheckResult.down("api", health.latencyMillis(), detail);
	}

	private CheckResult status() {
		if (!this.client.hasCredentials()) {
			return CheckResult.skipped("status", "needs a login: set NEXUS_TOKEN, or NEXUS_USER and NEXUS_PASSWORD");
		}
		try {
			NexusClient.Reply reply = this.client.send("GET", "/status", null, true);
			if (reply.status() != 200) {
				return CheckResult.down("status", reply.latencyMillis(), "GET /status: HTTP " + reply.status()
						+ ((reply.status() == 401) ? " (token invalid or expired)" : ""));
			}
			JsonNode status = this.client.parse(reply.body());
			String detail = "node " + status.path("node_id").asString("?") + ", version "
					+ status.path("version").asString("?") + ", database " + status.path("database").asString("?")
					+ ", agents online " + status.path("agents").path("online").asInt() + "/"
					+ status.path("agents").path("total").asInt();
			return CheckResult.up("status", reply.latencyMillis(), detail);
		}
		catch (CliException ex) {
			return CheckResult.down("status", null, ex.getMessage());
		}
	}

	private CheckResult metrics() {
		boolean authenticated = this.client.hasCredentials();
		try {
			NexusClient.Reply reply = this.client.send("GET", "/metrics", null, authenticated);
			if (reply.status() == 401 && !authenticated) {
				return CheckResult.skipped("metrics",
						"GET /metrics needs a login: set NEXUS_TOKEN, or NEXUS_USER " + "and NEXUS_PASSWORD");
			}
			if (reply.status() != 200) {
				return CheckResult.down("metrics", reply.latencyMillis(), "GET /metrics: HTTP " + reply.status());
			}
			if (!reply.body().contains("# TYPE ")) {
				return CheckResult.down("metrics", reply.latencyMillis(),
						"GET /metrics: HTTP 200 but not in Prometheus text format");
			}
			long samples = reply.body().lines().filter((line) -> !line.isBlank() && !line.startsWith("#")).count();
			return CheckResult.up("metrics", reply.latencyMillis(), "GET /metrics: " + samples + " samples");
		}
		catch (CliException ex) {
			return CheckResult.down("metrics", null, ex.getMessage());
		}
	}

	/**
	 * A component as {@code /health} reports it. Nexus measures it inside that request,
	 * so the latency is that of {@code /health}.
	 */
	private static CheckResult component(String name, String key, NexusClient.@Nullable Reply health,
			@Nullable JsonNode components, boolean required) {
		if (health == null || components == null) {
			return required ? CheckResult.down(name, null, "unknown: /health gave no components")
					: CheckResult.skipped(name, "unknown: /health gave no components");
		}
		JsonNode component = components.path(key);
		if (component.isMissingNode()) {
			return required ? CheckResult.down(name, health.latencyMillis(), "/health reports no '" + key + "'")
					: CheckResult.skipped(name, "not configured (/health reports no '" + key + "')");
		}
		String state = component.path("status").asString("UNKNOWN");
		String detail = "/health component '" + key + "': " + state;
		return "UP".equals(state) ? CheckResult.up(name, health.latencyMillis(), detail)
				: CheckResult.down(name, health.latencyMillis(), detail);
	}

	private @Nullable JsonNode components(NexusClient.Reply health) {
		try {
			JsonNode components = this.client.parse(health.body()).path("components");
			return components.isObject() ? components : null;
		}
		catch (CliException ex) {
			return null;
		}
	}

	private @Nullable String overallStatus(NexusClient.Reply health) {
		try {
			JsonNode status = this.client.parse(health.body()).path("status");
			return status.isString() ? status.asString() : null;
		}
		catch (CliException ex) {
			return null;
		}
	}

}
