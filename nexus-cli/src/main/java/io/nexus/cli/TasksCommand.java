package io.nexus.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code nexusctl tasks}: create, list, inspect, cancel and watch tasks. */
@Command(name = "tasks", mixinStandardHelpOptions = true, description = "Create, list, inspect and cancel tasks.")
final class TasksCommand {

	@ParentCommand
	@Nullable Nexusctl root;

	@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a task.")
	int create(@Option(names = "--title", required = true, description = "What to do") String title,
			@Option(names = "--priority", paramLabel = "low|medium|high|critical") @Nullable String priority,
			@Option(names = "--category", paramLabel = "NAME") @Nullable String category,
			@Option(names = "--capability", paramLabel = "NAME", split = ",",
					description = "Required capability; repeat or separate with commas") @Nullable List<String> capabilities,
			@Option(names = "--payload", paramLabel = "JSON",
					description = "Input for the agent, as JSON") @Nullable String payload,
			@Option(names = "--depends-on", paramLabel = "TASK_ID", split = ",",
					description = "Task that must complete first; repeat or separate with commas") @Nullable List<String> dependencies,
			@Option(names = "--id", paramLabel = "ID", description = "Choose the task's id") @Nullable String id,
			@Option(names = "--fairness-key", paramLabel = "KEY",
					description = "Who the task is for in fair share (a team, a customer)") @Nullable String fairnessKey,
			@Option(names = "--json", description = "Print the created task as JSON") boolean json) {
		Nexusctl nexusctl = Commands.root(this.root);
		ObjectNode request = createRequest(nexusctl, title, priority, category, capabilities, payload, dependencies,
				id);
		if (fairnessKey != null) {
			request.put("fairness_key", fairnessKey);
		}
		JsonNode task = nexusctl.client().post("/api/tasks", request);
		if (json) {
			nexusctl.printJson(task);
		}
		else {
			nexusctl.out()
				.println("created task " + Commands.text(task, "id") + " (" + Commands.text(task, "status")
						+ ", priority " + Commands.text(task, "priority") + ")");
		}
		return 0;
	}

	@Command(name = "list", mixinStandardHelpOptions = true, description = "List tasks, newest first.")
	int list(@Option(names = "--status", paramLabel = "STATUS") @Nullable String status,
			@Option(names = "--priority", paramLabel = "PRIORITY") @Nullable String priority,
			@Option(names = "--category", paramLabel = "NAME") @Nullable String category,
			@Option(names = "--agent", paramLabel = "AGENT_ID") @Nullable String agent,
			@Option(names = "--limit", defaultValue = "50", description = "Most tasks to show (1-500)") int limit,
			@Option(names = "--json", description = "Print the answer as JSON") boolean json) {
		Nexusctl nexusctl = Commands.root(this.root);
		List<String> query = new ArrayList<>();
		query.add("limit=" + limit);
		AgentsCommand.addQuery(query, "status", status);
		AgentsCommand.addQuery(query, "priority", priority);
		AgentsCommand.addQuery(query, "category", category);
		AgentsCommand.addQuery(query, "agent_id", agent);
		JsonNode page = nexusctl.client().get("/api/tasks?" + String.join("&", query));
		if (json) {
			nexusctl.printJson(page);
		}
		else {
			nexusctl.out().print(table(page.path("items")).render());
		}
		return 0;
	}

	@Command(name = "get", mixinStandardHelpOptions = true, description = "Show one task as JSON.")
	int get(@Parameters(paramLabel = "ID") String id) {
		Nexusctl nexusctl = Commands.root(this.root);
		nexusctl.printJson(nexusctl.client().get("/api/tasks/" + Commands.id("task", id)));
		return 0;
	}

	@Command(name = "cancel", mixinStandardHelpOptions = true,
			description = "Cancel a task that has not finished; its dependents are cancelled too.")
	int cancel(@Parameters(paramLabel = "ID") String id,
			@Option(names = "--reason", paramLabel = "TEXT") @Nullable String reason) {
		Nexusctl nexusctl = Commands.root(this.root);
		ObjectNode body = nexusctl.json().createObjectNode();
		if (reason != null) {
			body.put("reason", reason);
		}
		JsonNode task = nexusctl.client().post("/api/tasks/" + Commands.id("task", id) + "/cancel", body);
		nexusctl.out()
			.println("task " + Commands.text(task, "id") + " is " + Commands.text(task, "status")
					+ (Commands.text(task, "status_reason").isEmpty() ? ""
							: ": " + Commands.text(task, "status_reason")));
		return 0;
	}

	@Command(name = "watch", mixinStandardHelpOptions = true,
			description = { "Print the task's status each time it changes, until it finishes.",
					"Exit code 0 when it completes, 1 when it fails or is cancelled." })
	int watch(@Parameters(paramLabel = "ID") String id,
			@Option(names = "--interval", defaultValue = "1000", paramLabel = "MILLIS",
					description = "Time between polls (default ${DEFAULT-VALUE} ms)") long intervalMillis) {
		Nexusctl nexusctl = Commands.root(this.root);
		return new TaskWatcher(nexusctl.client(), nexusctl.out(), Math.max(10, intervalMillis))
			.watch(Commands.id("task", id));
	}

	static Table table(JsonNode tasks) {
		Table table = Table.withHeaders("ID", "STATUS", "PRIORITY", "CATEGORY", "AGENT", "ATTEMPTS", "TITLE");
		for (JsonNode task : tasks) {
			table.row(Commands.text(task, "id"), Commands.text(task, "status"), Commands.text(task, "priority"),
					Commands.text(task, "category"), Commands.text(task, "assigned_agent_id"),
					task.path("attempts").asInt() + "/" + task.path("max_attempts").asInt(),
					Commands.text(task, "title"));
		}
		return table;
	}

	static ObjectNode createRequest(Nexusctl nexusctl, String title, @Nullable String priority,
			@Nullable String category, @Nullable List<String> capabilities, @Nullable String payload,
			@Nullable List<String> dependencies, @Nullable String id) {
		ObjectNode request = nexusctl.json().createObjectNode();
		if (id != null) {
			request.put("id", id);
		}
		request.put("title", title);
		if (priority != null) {
			request.put("priority", priority.toLowerCase(Locale.ROOT));
		}
		if (category != null) {
			request.put("category", category);
		}
		if (capabilities != null) {
			ArrayNode required = request.putArray("required_capabilities");
			capabilities.stream().map(String::strip).filter((c) -> !c.isEmpty()).forEach(required::add);
		}
		if (dependencies != null) {
			ArrayNode depends = request.putArray("dependencies");
			dependencies.stream().map(String::strip).filter((d) -> !d.isEmpty()).forEach(depends::add);
		}
		if (payload != null) {
			try {
				request.set("payload", nexusctl.json().readTree(payload));
			}
			catch (JacksonException ex) {
				throw new CliException("--payload is not valid JSON: " + ex.getOriginalMessage(), Nexusctl.EXIT_USAGE);
			}
		}
		return request;
	}

}
