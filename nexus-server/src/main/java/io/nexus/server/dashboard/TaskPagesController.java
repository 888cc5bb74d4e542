package io.nexus.server.dashboard;

import java.security.Principal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.nexus.protocol.TaskPriority;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentId;
import io.nexus.server.governance.TaskLimits;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.tasks.InputQuestion;
import io.nexus.server.tasks.TaskInputs;
import io.nexus.server.tasks.AgentPresence;
import io.nexus.server.tasks.FairShare;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskEvent;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskProperties;
import io.nexus.server.tasks.TaskQuery;
import io.nexus.server.tasks.TaskService;
import jakarta.validation.Valid;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The tasks pages: the filterable live table, the create form, one task's page, and the
 * operator's actions on a task.
 */
@Controller
class TaskPagesController {

	private static final int PAGE_SIZE = 25;

	private final TaskService tasks;

	private final FleetView fleet;

	private final AgentPresence presence;

	private final TaskProperties defaults;

	private final JsonMapper json;

	private final TaskLimits limits;

	private final FairShare fairShare;

	private final TaskInputs inputs;

	TaskPagesController(TaskService tasks, FleetView fleet, AgentPresence presence, TaskProperties defaults,
			JsonMapper json, TaskLimits limits, FairShare fairShare, TaskInputs inputs) {
		this.inputs = inputs;
		this.limits = limits;
		this.fairShare = fairShare;
		this.tasks = tasks;
		this.fleet = fleet;
		this.presence = presence;
		this.defaults = defaults;
		this.json = json;
	}

	@GetMapping("/tasks")
	String list(@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String priority,
			@RequestParam(required = false) @Nullable String category,
			@RequestParam(required = false) @Nullable String agent,
			@RequestParam(required = false) @Nullable String cursor, Model model) {
		TaskStatus wantedStatus = parse(status, TaskStatus::fromWireName);
		TaskPriority wantedPriority = parse(priority, TaskPriority::fromWireName);
		String wantedCategory = FleetView.blankToNull(category);
		String wantedAgent = FleetView.blankToNull(agent);
		TaskQuery query = new TaskQuery(wantedStatus, wantedPriority, wantedCategory,
				(wantedAgent != null && wantedAgent.matches(AgentId.PATTERN)) ? new AgentId(wantedAgent) : null);
		Page<Task> page;
		try {
			page = this.tasks.list(query, PageRequest.of(PAGE_SIZE, FleetView.blankToNull(cursor)));
		}
		catch (RuntimeException ex) {
			page = this.tasks.list(query, PageRequest.of(PAGE_SIZE, null));
		}
		model.addAttribute("page", "tasks");
		model.addAttribute("limits", this.limits.status());
		Map<String, Integer> weights = this.fairShare.weights();
		model.addAttribute("fairShare", this.fairShare.queued()
			.entrySet()
			.stream()
			.limit(10)
			.map((entry) -> new FairShareRow(entry.getKey(), weights.getOrDefault(entry.getKey(), 1), entry.getValue()))
			.toList());
		model.addAttribute("tasks", page.items());
		model.addAttribute("nextCursor", page.nextCursor());
		model.addAttribute("cursor", FleetView.blankToNull(cursor));
		model.addAttribute("statuses", List.of(TaskStatus.values()).stream().map(TaskStatus::wireName).toList());
		model.addAttribute("priorities", List.of(TaskPriority.values()).stream().map(TaskPriority::wireName).toList());
		model.addAttribute("filters", Map.of("status", (wantedStatus != null) ? wantedStatus.wireName() : "",
				"priority", (wantedPriority != null) ? wantedPriority.wireName() : "", "category",
				(wantedCategory != null) ? wantedCategory : "", "agent", (wantedAgent != null) ? wantedAgent : ""));
		return "dashboard/tasks";
	}

	@PostMapping("/tasks")
	String create(@Valid TaskForm form, BindingResult binding, Principal principal, RedirectAttributes flash) {
		if (PageActions.rejected(binding, flash, form)) {
			return "redirect:/tasks#create";
		}
		String result = PageActions.run(flash, "Task created.",
				() -> "/tasks/"
						+ this.tasks.create(form.toNewTask(this.defaults, this.json), principal.getName()).task().id(),
				"/tasks#create");
		if (result.endsWith("#create")) {
			flash.addFlashAttribute("form", form);
		}
		return result;
	}

	@GetMapping("/tasks/{id}")
	String detail(@PathVariable String id, Model model) {
		Task task = this.tasks.get(new TaskId(id));
		model.addAttribute("page", "tasks");
		model.addAttribute("task", task);
		List<TaskEvent> history = this.tasks.history(task.id());
		model.addAttribute("history", history);
		model.addAttribute("assignmentReason",
				history.stream()
					.filter((event) -> event.toStatus() == TaskStatus.ASSIGNED)
					.reduce((first, second) -> second)
					.map(TaskEvent::reason)
					.orElse(null));
		model.addAttribute("waitingReason", waitingReason(task));
		model.addAttribute("candidates",
				(task.status() == TaskStatus.QUEUED) ? this.fleet.candidates(task) : List.of());
		Map<String, String> unreadable = new HashMap<>();
		task.unreadable().forEach((value) -> unreadable.put(value.column(), value.reason()));
		model.addAttribute("unreadable", unreadable);
		model.addAttribute("payload", pretty(task.payloadJson()));
		model.addAttribute("result", pretty(task.resultJson()));
		model.addAttribute("question", (task.status() == TaskStatus.INPUT_REQUIRED)
				? this.inputs.latest(task.id()).filter(InputQuestion::isOpen).orElse(null) : null);
		return "dashboard/task";
	}

	@PostMapping("/tasks/{id}/assign")
	String assign(@PathVariable String id, @RequestParam("agent_id") String agentId,
			@RequestParam(required = false) @Nullable String force, Principal principal, RedirectAttributes flash) {
		return PageActions.run(flash, "Task assigned to " + agentId + ".", () -> {
			this.tasks.assign(new TaskId(id), new AgentId(agentId), "true".equals(force), principal.getName());
			return "/tasks/" + id;
		}, "/tasks/" + id);
	}

	@PostMapping("/tasks/{id}/cancel")
	String cancel(@PathVariable String id, @RequestParam(required = false) @Nullable String next, Principal principal,
			RedirectAttributes flash) {
		String back = PageActions.next(next, "/tasks/" + id);
		return PageActions.run(flash, "Task cancelled.", () -> {
			this.tasks.cancel(new TaskId(id), null, principal.getName());
			return back;
		}, back);
	}

	@PostMapping("/tasks/{id}/retry")
	String retry(@PathVariable String id, Principal principal, RedirectAttributes flash) {
		return PageActions.run(flash, "Task retried as a new task.",
				() -> "/tasks/" + this.tasks.retry(new TaskId(id), principal.getName()).id(), "/tasks/" + id);
	}

	private @Nullable String waitingReason(Task task) {
		return switch (task.status()) {
			case PENDING -> "waiting for dependencies to complete";
			case AWAITING_APPROVAL -> "awaiting approval";
			case QUEUED -> this.presence.whyWaiting(task);
			case INPUT_REQUIRED -> "waiting for a person's answer to its agent's question";
			case ASSIGNED -> (task.reservedFor() != null) ? "reserved until agent " + task.reservedFor() + " connects"
					: "waiting for agent " + task.assignedAgent() + " to accept";
			default -> null;
		};
	}

	private @Nullable String pretty(@Nullable String text) {
		if (text == null) {
			return null;
		}
		try {
			return this.json.writerWithDefaultPrettyPrinter().writeValueAsString(this.json.readTree(text));
		}
		catch (RuntimeException ex) {
			return text;
		}
	}

	private static <T> @Nullable T parse(@Nullable String value, Function<String, T> parser) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return parser.apply(value);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * A fair-share key on the Tasks page.
	 *
	 * @param key the key
	 * @param weight its weight
	 * @param queued its queued tasks
	 */
	record FairShareRow(String key, int weight, long queued) {

	}

}
