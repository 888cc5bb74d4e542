package io.nexus.server.tasks.web;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskRetention;
import io.nexus.server.tasks.TaskService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Finished tasks as NDJSON, one task per line in the order they finished, so that users
 * can archive them before retention deletes them.
 */
@RestController
@RequestMapping("/api/exports")
@Tag(name = "Tasks", description = "Create, track and steer tasks")
class TaskExportController {

	/** Tasks read per query while streaming. */
	static final int PAGE = 500;

	private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

	private final TaskRetention retention;

	private final TaskService tasks;

	private final JsonMapper json;

	TaskExportController(TaskRetention retention, TaskService tasks, JsonMapper json) {
		this.retention = retention;
		this.tasks = tasks;
		this.json = json;
	}

	@GetMapping(value = "/tasks", produces = "application/x-ndjson")
	@Operation(summary = "Export finished tasks as NDJSON",
			description = "Tasks that finished (completed, failed or cancelled) in [from, to), oldest first, one JSON "
					+ "object per line as GET /api/tasks/{id} shows them; with events=true each carries its history.")
	ResponseEntity<StreamingResponseBody> export(@RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String to,
			@RequestParam(required = false) @Nullable Boolean events) {
		Instant start = instant("from", from);
		Instant end = instant("to", to);
		if (!start.isBefore(end)) {
			throw InvalidRequestException.badRequest("invalid_parameter", "from must be before to");
		}
		boolean withEvents = Boolean.TRUE.equals(events);
		StreamingResponseBody body = (out) -> write(out, start, end, withEvents);
		return ResponseEntity.ok().contentType(NDJSON).body(body);
	}

	private void write(OutputStream out, Instant from, Instant to, boolean withEvents) throws IOException {
		Task after = null;
		while (true) {
			List<Task> page = this.retention.finished(from, to, after, PAGE);
			for (Task task : page) {
				Object line = TaskResponse.of(task);
				if (withEvents) {
					Map<String, Object> withHistory = new LinkedHashMap<>(this.json.convertValue(line, Map.class));
					withHistory.put("events",
							this.tasks.history(task.id()).stream().map(TaskEventResponse::of).toList());
					line = withHistory;
				}
				out.write(this.json.writeValueAsBytes(line));
				out.write('\n');
			}
			out.flush();
			if (page.size() < PAGE) {
				return;
			}
			after = page.get(page.size() - 1);
		}
	}

	private static Instant instant(String name, @Nullable String value) {
		if (value == null || value.isBlank()) {
			throw InvalidRequestException.badRequest("invalid_parameter", name + " is required (an ISO-8601 instant)");
		}
		try {
			return Instant.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw InvalidRequestException.badRequest("invalid_parameter",
					name + " must be an ISO-8601 instant such as 2026-12-01T00:00:00Z");
		}
	}

}
