package io.nexus.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code nexusctl agents}: list and inspect agents, pause, drain and resume them. */
@Command(name = "agents", mixinStandardHelpOptions = true, description = "List, inspect and steer agents.",
		subcommandsRepeatable = false)
final class AgentsCommand {

	@ParentCommand
	@Nullable Nexusctl root;

	@Command(name = "list", mixinStandardHelpOptions = true, description = "List agents, newest first.")
	int list(
			@Option(names = "--status", paramLabel = "STATUS",
					description = "Only agents in this status") @Nullable String status,
			@Option(names = "--capability", paramLabel = "NAME",
					description = "Only agents with this capability") @Nullable String capability,
			@Option(names = "--online", arity = "1", paramLabel = "true|false",
					description = "Only agents that are (not) connected") @Nullable Boolean online,
			@Option(names = "--limit", defaultValue = "100", description = "Most agents to show (1-500)") int limit,
			@Option(names = "--json", description = "Print the answer as JSON") boolean json) {
		Nexusctl nexusctl = Commands.root(this.root);
		List<String> query = new ArrayList<>();
		query.add("limit=" + limit);
		addQuery(query, "status", status);
		addQuery(query, "capability", capability);
		addQuery(query, "online", (online != null) ? online.toString() : null);
		JsonNode page = nexusctl.client().get("/api/agents?" + String.join("&", query));
		if (json) {
			nexusctl.printJson(page);
			return 0;
		}
		nexusctl.out().print(table(page.path("items")).render());
		return 0;
	}

	@Command(name = "get", mixinStandardHelpOptions = true, description = "Show one agent as JSON.")
	int get(@Parameters(paramLabel = "ID", description = "The agent's id") String id) {
		Nexusctl nexusctl = Commands.root(this.root);
		nexusctl.printJson(nexusctl.client().get("/api/agents/" + Commands.id("agent", id)));
		return 0;
	}

	@Command(name = "pause", mixinStandardHelpOptions = true,
			description = "Give the agent no new tasks; running tasks continue.")
	int pause(@Parameters(paramLabel = "ID") String id) {
		return steer(id, "pause");
	}

	@Command(name = "drain", mixinStandardHelpOptions = true,
			description = "Give the agent no new tasks; it becomes paused once its tasks are done.")
	int drain(@Parameters(paramLabel = "ID") String id) {
		return steer(id, "drain");
	}

	@Command(name = "resume", mixinStandardHelpOptions = true, description = "Dispatch to the agent again.")
	int resume(@Parameters(paramLabel = "ID") String id) {
		return steer(id, "resume");
	}

	static Table table(JsonNode agents) {
		Table table = Table.withHeaders("ID", "NAME", "STATUS", "ONLINE", "CAPABILITIES", "LAST SEEN");
		for (JsonNode agent : agents) {
			List<String> capabilities = new ArrayList<>();
			agent.path("capabilities").forEach((capability) -> capabilities.add(capability.asString()));
			table.row(Commands.text(agent, "id"), Commands.text(agent, "name"), Commands.text(agent, "status"),
					agent.path("online").asBoolean() ? "yes" : "no", String.join(",", capabilities),
					Commands.text(agent, "last_seen_at"));
		}
		return table;
	}

	private int steer(String id, String action) {
		Nexusctl nexusctl = Commands.root(this.root);
		JsonNode agent = nexusctl.client().post("/api/agents/" + Commands.id("agent", id) + "/" + action, null);
		nexusctl.out().println("agent " + Commands.text(agent, "id") + " is now " + Commands.text(agent, "status"));
		return 0;
	}

	static void addQuery(List<String> query, String name, @Nullable String value) {
		if (value != null && !value.isBlank()) {
			query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
		}
	}

}
