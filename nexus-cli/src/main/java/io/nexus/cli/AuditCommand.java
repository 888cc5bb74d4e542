package io.nexus.cli;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/**
 * {@code nexusctl audit}: checks of the audit trail's hash chain (admin).
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
		description = "The audit trail: verify its hash chain and show its head (admin).")
final class AuditCommand {

	@ParentCommand
	@Nullable Nexusctl root;

	@Command(name = "verify", mixinStandardHelpOptions = true,
			description = "Walk the hash chain and report the first event that does not hold; exit code 1 if one does not.")
	int verify(
			@Option(names = "--from", paramLabel = "SEQ", description = "First position to check") @Nullable Long from,
			@Option(names = "--to", paramLabel = "SEQ", description = "Last position to check") @Nullable Long to,
			@Option(names = "--json", description = "Print the answer as JSON") boolean json) {
		Nexusctl nexusctl = Commands.root(this.root);
		List<String> query = new ArrayList<>();
		AgentsCommand.addQuery(query, "from", (from != null) ? from.toString() : null);
		AgentsCommand.addQuery(query, "to", (to != null) ? to.toString() : null);
		JsonNode result = nexusctl.client()
			.get("/api/audit/verify" + (query.isEmpty() ? "" : "?" + String.join("&", query)));
		if (json) {
			nexusctl.printJson(result);
		}
		else {
			nexusctl.out().println(render(result));
		}
		return result.path("valid").asBoolean() ? 0 : 1;
	}

	static String render(JsonNode result) {
		JsonNode head = result.path("head");
		String range = "seq " + Commands.text(result, "from_seq") + "-" + Commands.text(result, "to_seq");
		String headText = "head seq " + Commands.text(head, "seq") + " hash " + Commands.text(head, "hash");
		JsonNode checkpoint = result.path("checkpoint");
		String start = (checkpoint.isObject())
				? "; starts after checkpoint seq " + Commands.text(checkpoint, "through_seq") : "";
		if (result.path("valid").asBoolean()) {
			return "Audit chain valid: " + result.path("rows_checked").asLong() + " event(s) checked (" + range + start
					+ "); " + headText;
		}
		return "Audit chain BROKEN at seq " + Commands.text(result, "first_broken_id") + ": "
				+ Commands.text(result, "reason") + " (" + result.path("rows_checked").asLong() + " event(s) checked, "
				+ range + start + "); " + headText;
	}

}
