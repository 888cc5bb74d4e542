package io.nexus.cli;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code nexusctl health}: is the deployment up? Exit code 1 when any check is down. */
@Command(name = "health", mixinStandardHelpOptions = true,
		description = {
				"Verify a deployment: API, status, WebSocket handshake, database, Redis (if configured) "
						+ "and metrics, each with its latency.",
				"Checks that need a login (status, metrics) are skipped without credentials." })
final class HealthCommand implements Callable<Integer> {

	@ParentCommand
	@Nullable Nexusctl root;

	@Option(names = "--json", description = "Print the result as JSON")
	boolean json;

	@Option(names = "--ws-url", paramLabel = "URL",
			description = "WebSocket endpoint (default: ws(s)://<host of the URL>/ws)")
	@Nullable String webSocketUrl;

	@Option(names = "--agent-id", paramLabel = "ID",
			description = "Also register this agent over the WebSocket and expect 'registered'")
	@Nullable String agentId;

	@Option(names = "--agent-token", paramLabel = "TOKEN",
			description = "The agent's token for --agent-id (env NEXUS_AGENT_TOKEN)")
	@Nullable String agentToken;

	@Override
	public Integer call() {
		Nexusctl nexusctl = Commands.root(this.root);
		NexusClient client = nexusctl.client();
		URI endpoint = (this.webSocketUrl != null) ? URI.create(this.webSocketUrl)
				: WebSocketProbe.endpointOf(client.baseUrl());
		String token = (this.agentToken != null) ? this.agentToken : nexusctl.env("NEXUS_AGENT_TOKEN");
		Duration timeout = Duration.ofSeconds(Math.max(1, nexusctl.timeoutSeconds));
		List<CheckResult> results = new HealthChecker(client, timeout).run(endpoint, this.agentId,
				token.isEmpty() ? null : token);
		boolean down = results.stream().anyMatch((result) -> result.status() == CheckResult.Status.DOWN);
		if (this.json) {
			nexusctl.printJson(toJson(nexusctl, client.baseUrl(), results, down));
		}
		else {
			nexusctl.out().print(render(client.baseUrl(), results, down));
		}
		return down ? Nexusctl.EXIT_FAILURE : 0;
	}

	static String render(URI baseUrl, List<CheckResult> results, boolean down) {
		Table table = Table.withHeaders("CHECK", "STATUS", "LATENCY", "DETAIL");
		for (CheckResult result : results) {
			table.row(result.name(), result.status(),
					(result.latencyMillis() != null) ? result.latencyMillis() + " ms" : "-", result.detail());
		}
		return table.render() + "\n" + "Nexus at " + baseUrl + " is " + (down ? "DOWN" : "UP") + "\n";
	}

	static ObjectNode toJson(Nexusctl nexusctl, URI baseUrl, List<CheckResult> results, boolean down) {
		ObjectNode report = nexusctl.json().createObjectNode();
		report.put("url", baseUrl.toString());
		report.put("status", down ? "DOWN" : "UP");
		ArrayNode checks = report.putArray("checks");
		for (CheckResult result : results) {
			ObjectNode check = checks.addObject();
			check.put("name", result.name());
			check.put("status", result.status().name());
			if (result.latencyMillis() != null) {
				check.put("latency_ms", result.latencyMillis());
			}
			else {
				check.putNull("latency_ms");
			}
			check.put("detail", result.detail());
		}
		return report;
	}

}
