package io.nexus.cli;

import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * Polls one task and prints a line whenever its status, reason, agent or progress
 * changes, until it reaches a terminal status.
 */
final class TaskWatcher {

	private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

	private final NexusClient client;

	private final PrintWriter out;

	private final long intervalMillis;

	TaskWatcher(NexusClient client, PrintWriter out, long intervalMillis) {
		this.client = client;
		this.out = out;
		this.intervalMillis = intervalMillis;
	}

	/**
	 * Returns the exit code: 0 when the task completed, 1 when it failed or was
	 * cancelled.
	 */
	int watch(String id) {
		String previous = null;
		while (true) {
			JsonNode task = this.client.get("/api/tasks/" + id);
			String status = Commands.text(task, "status");
			String line = describe(task);
			if (!line.equals(previous)) {
				this.out
					.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_LOCAL_TIME)
							+ "  " + line);
				this.out.flush();
				previous = line;
			}
			if (TERMINAL.contains(status)) {
				return "completed".equals(status) ? 0 : Nexusctl.EXIT_FAILURE;
			}
			pause();
		}
	}

	static String describe(JsonNode task) {
		StringBuilder line = new StringBuilder(Commands.text(task, "id")).append(' ')
			.append(Commands.text(task, "status"));
		String agent = Commands.text(task, "assigned_agent_id");
		if (!agent.isEmpty()) {
			line.append(" agent=").append(agent);
		}
		JsonNode progress = task.path("progress");
		if (progress.isNumber()) {
			line.append(" progress=").append(Math.round(progress.asDouble())).append('%');
		}
		String reason = Commands.text(task, "status_reason");
		String waiting = Commands.text(task, "waiting_reason");
		if (!waiting.isEmpty()) {
			line.append(" (").append(waiting).append(')');
		}
		else if (!reason.isEmpty()) {
			line.append(" (").append(reason).append(')');
		}
		return line.toString();
	}

	private void pause() {
		try {
			Thread.sleep(this.intervalMillis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("interrupted");
		}
	}

}
