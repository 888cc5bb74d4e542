package io.nexus.server.tasks.web;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.tasks.NewTask;
import io.nexus.server.tasks.TaskProperties;
import io.nexus.server.tasks.TaskTemplates;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Reads templates as {@link CreateTaskRequest}s: the same JSON mapping, Bean Validation
 * and checks as {@code POST /api/tasks}, every fault a 422 naming its field.
 */
@Component
class JsonTaskTemplates implements TaskTemplates {

	/** What differs from one task of a template to the next, so no template names it. */
	private static final List<String> FORBIDDEN = List.of("id", "idempotency_key", "dependencies", "run_at");

	private final JsonMapper json;

	private final Validator validator;

	private final TaskProperties defaults;

	private final TaskPayloads payloads;

	JsonTaskTemplates(JsonMapper json, Validator validator, TaskProperties defaults, TaskPayloads payloads) {
		this.json = json;
		this.validator = validator;
		this.defaults = defaults;
		this.payloads = payloads;
	}

	@Override
	public NewTask read(JsonNode template, Instant now) {
		if (!template.isObject()) {
			throw invalid("template", "a JSON object with the fields of POST /api/tasks");
		}
		for (String field : FORBIDDEN) {
			if (template.has(field)) {
				throw invalid("template." + field, "a template cannot set " + field
						+ "; it would be the same for every task the schedule creates");
			}
		}
		CreateTaskRequest request;
		try {
			request = this.json.treeToValue(template, CreateTaskRequest.class);
		}
		catch (DatabindException ex) {
			String path = ex.getPath()
				.stream()
				.map((reference) -> (reference.getPropertyName() != null) ? reference.getPropertyName()
						: String.valueOf(reference.getIndex()))
				.reduce((left, right) -> left + "." + right)
				.orElse("");
			throw invalid(path.isEmpty() ? "template" : "template." + path,
					"cannot be read: " + ex.getOriginalMessage());
		}
		catch (JacksonException ex) {
			throw invalid("template", "cannot be read: " + ex.getOriginalMessage());
		}
		Set<ConstraintViolation<CreateTaskRequest>> violations = this.validator.validate(request);
		if (!violations.isEmpty()) {
			ConstraintViolation<CreateTaskRequest> first = violations.stream()
				.min(Comparator.comparing((violation) -> violation.getPropertyPath().toString()))
				.orElseThrow();
			throw invalid("template." + snakeCase(first.getPropertyPath().toString()), first.getMessage());
		}
		return request.toNewTask(this.defaults, this.payloads, null, now, "template.");
	}

	private static InvalidRequestException invalid(String field, String message) {
		return InvalidRequestException.unprocessable("template_invalid", field + ": " + message,
				Map.of("field", field));
	}

	private static String snakeCase(String name) {
		return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
	}

}
