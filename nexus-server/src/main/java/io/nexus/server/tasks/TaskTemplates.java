package io.nexus.server.tasks;

import java.time.Instant;

import tools.jackson.databind.JsonNode;

/**
 * Task templates: the body of {@code POST /api/tasks} kept for later (a schedule's), read
 * with the same fields, limits and checks as that body. A template cannot name what must
 * differ from one task to the next: {@code id}, {@code idempotency_key},
 * {@code dependencies}, {@code run_at}.
 */
public interface TaskTemplates {

	/**
	 * Reads a template into the task it creates.
	 * @param template the template, a JSON object
	 * @param now the time it is read at
	 * @return the task
	 * @throws io.nexus.server.shared.InvalidRequestException 422 {@code template_invalid}
	 * naming the field ({@code template.<field>}), or the same refusal as the body of
	 * {@code POST /api/tasks} would get
	 */
	NewTask read(JsonNode template, Instant now);

}
