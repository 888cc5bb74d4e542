package io.nexus.server.dashboard;

import java.security.Principal;
import java.util.Map;

import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskInputs;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Questions agents ask people: the list of tasks waiting for input, and the answer form
 * of a task's page (the same checks as {@code POST /api/tasks/{id}/input}).
 */
@Controller
class InputPagesController {

	/** How many waiting questions the page lists. */
	private static final int LISTED = 200;

	/** The longest answer the form takes, in characters. */
	private static final int MAX_ANSWER = 65_536;

	private final TaskInputs inputs;

	InputPagesController(TaskInputs inputs) {
		this.inputs = inputs;
	}

	@GetMapping("/input")
	String waiting(Model model) {
		model.addAttribute("page", "input");
		model.addAttribute("questions", this.inputs.waiting(LISTED));
		return "dashboard/input";
	}

	@PostMapping("/tasks/{id}/input")
	String answer(@PathVariable String id, @RequestParam("answer") String answer,
			@RequestParam(name = "request_id", required = false) @Nullable String requestId, Principal principal,
			RedirectAttributes flash) {
		String back = "/tasks/" + id;
		flash.addFlashAttribute("answerDraft", answer);
		return PageActions.run(flash, "Answer sent; the task runs again.", () -> {
			if (answer.length() > MAX_ANSWER) {
				throw InvalidRequestException.unprocessable("answer_too_large",
						"An answer may be at most " + MAX_ANSWER + " characters", Map.of());
			}
			this.inputs.answer(new TaskId(id), (requestId != null && !requestId.isBlank()) ? requestId : null,
					this.inputs.parse(answer), principal.getName());
			flash.getFlashAttributes().remove("answerDraft");
			return back;
		}, back);
	}

}
