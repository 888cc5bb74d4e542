package io.nexus.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/**
 * {@code nexusctl encryption}: the state of encryption at rest, and re-encryption after a
 * key rotation (admin).
 */
@Command(name = "encryption", mixinStandardHelpOptions = true,
		description = "Encryption at rest: status and re-encryption after a key rotation (admin).")
final class EncryptionCommand {

	@ParentCommand
	@Nullable Nexusctl root;

	@Command(name = "status", mixinStandardHelpOptions = true,
			description = "Show the active key id and how many stored values each key id holds.")
	int status(@Option(names = "--json", description = "Print the answer as JSON") boolean json) {
		Nexusctl nexusctl = Commands.root(this.root);
		JsonNode status = nexusctl.client().get("/api/admin/encryption");
		if (json) {
			nexusctl.printJson(status);
			return 0;
		}
		nexusctl.out().print(renderStatus(status));
		return 0;
	}

	@Command(name = "rotate", mixinStandardHelpOptions = true,
			description = "Re-encrypt every stored value that is not under the active key (plaintext included).")
	int rotate(@Option(names = "--json", description = "Print the answer as JSON") boolean json) {
		Nexusctl nexusctl = Commands.root(this.root);
		JsonNode result = nexusctl.client().post("/api/admin/encryption/rotate", null);
		if (json) {
			nexusctl.printJson(result);
			return 0;
		}
		nexusctl.out().println(renderRotation(result));
		return 0;
	}

	static String renderStatus(JsonNode status) {
		StringBuilder text = new StringBuilder();
		List<String> configured = new ArrayList<>();
		status.path("configured_key_ids").forEach((id) -> configured.add(id.asString()));
		if (status.path("enabled").asBoolean()) {
			text.append("Encryption at rest: on, active key '")
				.append(Commands.text(status, "active_key_id"))
				.append("' (configured: ")
				.append(String.join(", ", configured))
				.append(")\n");
		}
		else {
			text.append("Encryption at rest: off (set NEXUS_ENCRYPTION_KEY to turn it on)\n");
		}
		Table table = Table.withHeaders("TABLE", "COLUMN", "KEY ID", "VALUES");
		for (JsonNode row : status.path("values")) {
			String keyId = Commands.text(row, "key_id");
			table.row(Commands.text(row, "table"), Commands.text(row, "column"),
					keyId.isEmpty() ? "(plaintext)" : keyId, Commands.text(row, "count"));
		}
		text.append(table.render());
		long pending = status.path("values_pending").asLong();
		if (pending > 0) {
			text.append(pending).append(" value(s) not under the active key: run 'nexusctl encryption rotate'\n");
		}
		List<String> unreadable = new ArrayList<>();
		status.path("unreadable_key_ids").forEach((id) -> unreadable.add(id.asString()));
		if (!unreadable.isEmpty()) {
			text.append("Unreadable key ids: ")
				.append(String.join(", ", unreadable))
				.append(" (add the keys to NEXUS_ENCRYPTION_OLD_KEYS)\n");
		}
		return text.toString();
	}

	static String renderRotation(JsonNode result) {
		List<String> parts = new ArrayList<>();
		for (Map.Entry<String, JsonNode> table : result.path("reencrypted").properties()) {
			parts.add(table.getKey() + " " + table.getValue().asLong() + " row(s)");
		}
		return "Re-encrypted with key '" + Commands.text(result, "active_key_id") + "': "
				+ (parts.isEmpty() ? "nothing" : String.join(", ", parts)) + "; " + result.path("remaining").asLong()
				+ " value(s) left under other keys";
	}

}
