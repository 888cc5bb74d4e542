package io.nexus.server.tasks.web;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;

import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.NotFoundException;
import io.nexus.server.tasks.InputAnswered;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskInputs;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Questions agents ask people mid-task, and their answers (docs/api.md, "Input
 * requests").
 */
@RestController
@RequestMapping("/api")
@Tag(name = "Tasks", description = "Create, track and steer tasks")
class TaskInputController {

	/** The largest answer, in bytes of JSON. */
	static final int MAX_ANSWER_BYTES = 64 * 1024;

	/** How many waiting questions the list returns at most. */
	static final int MAX_WAITING = 500;

	private final TaskInputs inputs;

	private final JsonMapper json;

	TaskInputController(TaskInputs inputs, JsonMapper json) {
		this.inputs = inputs;
		this.json = json;
	}

	@GetMapping("/tasks/{id}/input")
	@Operation(summary = "The question a task's agent asked a person last, with its answer once given")
	InputQuestionResponse question(@PathVariable String id) {
		TaskId taskId = new TaskId(id);
		return this.inputs.latest(taskId)
			.map((question) -> InputQuestionResponse.of(question, this.inputs))
			.orElseThrow(() -> new NotFoundException("input_request_not_found",
					"Task '" + id + "' has not asked for input", Map.of("task_id", id)));
	}

	@PostMapping("/tasks/{id}/input")
	@Operation(summary = "Answer the open question of a task in input_required; the task runs again")
	InputQuestionResponse answer(@PathVariable String id, @Valid @RequestBody AnswerInputRequest request,
			Principal principal) {
		int size = this.json.writeValueAsString(request.answer()).getBytes(StandardCharsets.UTF_8).length;
		if (size > MAX_ANSWER_BYTES) {
			throw InvalidRequestException.unprocessable("answer_too_large",
					"An answer may be at most " + MAX_ANSWER_BYTES + " bytes as JSON; this one is " + size,
					Map.of("path", "$"));
		}
		InputAnswered answered = this.inputs.answer(new TaskId(id), request.requestId(), request.answer(),
				principal.getName());
		return InputQuestionResponse.of(answered.question(), this.inputs);
	}

	@GetMapping("/input-requests")
	@Operation(summary = "Questions waiting for a person, the oldest first")
	List<InputQuestionResponse> waiting() {
		return this.inputs.waiting(MAX_WAITING)
			.stream()
			.map((question) -> InputQuestionResponse.of(question, this.inputs))
			.toList();
	}

}
