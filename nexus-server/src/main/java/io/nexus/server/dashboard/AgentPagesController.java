package io.nexus.server.dashboard;

import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.nexus.protocol.AgentStatus;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistration;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.agents.AgentSample;
import io.nexus.server.agents.AgentSamples;
import io.nexus.server.agents.SampleRange;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskQuery;
import io.nexus.server.tasks.TaskService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The agents pages: the live fleet table with filters, registration, the operator's
 * actions, and one agent's page.
 */
@Controller
class AgentPagesController {

	private static final Map<SampleRange, String> RANGE_LABELS = Map.of(SampleRange.HOUR, "last hour",
			SampleRange.SIX_HOURS, "last 6 hours", SampleRange.DAY, "last 24 hours", SampleRange.WEEK, "last 7 days");

	private final FleetView fleet;

	private final AgentRegistry registry;

	private final TaskService tasks;

	private final AnalyticsQueries analytics;

	private final Charts charts;

	private final AgentSamples samples;

	private final Clock clock;

	AgentPagesController(FleetView fleet, AgentRegistry registry, TaskService tasks, AnalyticsQueries analytics,
			Charts charts, AgentSamples samples, Clock clock) {
		this.samples = samples;
		this.fleet = fleet;
		this.registry = registry;
		this.tasks = tasks;
		this.analytics = analytics;
		this.charts = charts;
		this.clock = clock;
	}

	@GetMapping("/agents")
	String list(@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String capability,
			@RequestParam(required = false) @Nullable String online, Model model) {
		AgentStatus wanted = parseStatus(status);
		Boolean connected = "yes".equals(online) ? Boolean.TRUE : "no".equals(online) ? Boolean.FALSE : null;
		List<AgentRow> rows = this.fleet.rows(wanted, capability, connected);
		model.addAttribute("page", "agents");
		model.addAttribute("rows", rows);
		model.addAttribute("statuses", List.of(AgentStatus.values()).stream().map(AgentStatus::wireName).toList());
		model.addAttribute("filterStatus", (wanted != null) ? wanted.wireName() : "");
		model.addAttribute("filterCapability", (capability != null) ? capability : "");
		model.addAttribute("filterOnline", (connected == null) ? "" : (connected ? "yes" : "no"));
		return "dashboard/agents";
	}

	@PostMapping("/agents")
	String register(@Valid AgentForm form, BindingResult binding, RedirectAttributes flash, HttpServletRequest request,
			HttpServletResponse response) {
		if (PageActions.rejected(binding, flash, form)) {
			return "redirect:/agents#register";
		}
		return PageActions.run(flash, "Agent registered. Copy its token now: it is shown only this once.", () -> {
			AgentRegistration registration = this.registry.register(form.toNewAgent());
			String agentId = registration.agent().id().value();
			flash.addFlashAttribute(TokenReveal.FLASH,
					TokenReveal.seal(agentId, registration.token(), request, response));
			return "/agents/" + agentId;
		}, "/agents#register");
	}

	@GetMapping("/agents/{id}")
	String detail(@PathVariable String id, @RequestParam(required = false) @Nullable String range, Model model,
			HttpServletRequest request, HttpServletResponse response) {
		Agent agent = this.registry.get(new AgentId(id));
		// a token just issued on this browser's form: shown once, never stored in the
		// session in the clear
		TokenReveal.Sealed sealed = (TokenReveal.Sealed) model.getAttribute(TokenReveal.FLASH);
		TokenReveal.open(sealed, agent.id().value(), request, response)
			.ifPresent((token) -> model.addAttribute("registration", new AgentRegistration(agent, token)));
		List<Task> recent = this.tasks.list(new TaskQuery(null, null, null, agent.id()), new PageRequest(25, null))
			.items();
		SampleRange wanted = SampleRange.parse(range).orElse(SampleRange.HOUR);
		model.addAttribute("page", "agents");
		model.addAttribute("row", this.fleet.row(agent));
		model.addAttribute("current", recent.stream().filter((task) -> !task.status().isTerminal()).toList());
		model.addAttribute("recent", recent.stream().filter((task) -> task.status().isTerminal()).toList());
		Series finished = this.analytics.throughput(this.clock.instant(), wanted.length(), throughputBucket(wanted),
				agent.id().value());
		model.addAttribute("throughputChart", this.charts.throughput(finished));
		addResources(model, agent.id(), wanted);
		model.addAttribute("wsUrl",
				ServletUriComponentsBuilder.fromCurrentContextPath()
					.path("/ws")
					.toUriString()
					.replaceFirst("^http", "ws"));
		return "dashboard/agent";
	}

	/**
	 * The CPU and memory charts alone, which the agent page polls for as samples arrive.
	 * @param id the agent
	 * @param range the range
	 * @param model the model
	 * @return the fragment
	 */
	@GetMapping("/agents/{id}/resources")
	String resources(@PathVariable String id, @RequestParam(required = false) @Nullable String range, Model model) {
		addResources(model, new AgentId(id), SampleRange.parse(range).orElse(SampleRange.HOUR));
		return "dashboard/agent :: resources";
	}

	private void addResources(Model model, AgentId id, SampleRange range) {
		AgentSamples.History history = this.samples.history(id, range);
		model.addAttribute("agentId", id.value());
		model.addAttribute("range", range.id());
		model.addAttribute("rangeLabel", RANGE_LABELS.get(range));
		model.addAttribute("ranges", List.of(SampleRange.values()).stream().map(SampleRange::id).toList());
		model.addAttribute("cpuChart",
				this.charts.resource(history, AgentSample::cpuPercent, AgentSample::cpuPercentMax));
		model.addAttribute("memoryChart",
				this.charts.resource(history, AgentSample::memoryPercent, AgentSample::memoryPercentMax));
		model.addAttribute("sampleCount", history.points().stream().mapToInt(AgentSample::samples).sum());
		model.addAttribute("pollSeconds", Math.max(5, history.sampleInterval().toSeconds()));
	}

	private static Duration throughputBucket(SampleRange range) {
		return switch (range) {
			case HOUR -> Duration.ofMinutes(5);
			case SIX_HOURS -> Duration.ofMinutes(30);
			case DAY -> Duration.ofHours(1);
			case WEEK -> Duration.ofHours(12);
		};
	}

	@PostMapping("/agents/{id}/pause")
	String pause(@PathVariable String id, @RequestParam(required = false) @Nullable String next,
			RedirectAttributes flash) {
		return setStatus(id, next, AgentStatus.PAUSED, "paused", flash);
	}

	@PostMapping("/agents/{id}/drain")
	String drain(@PathVariable String id, @RequestParam(required = false) @Nullable String next,
			RedirectAttributes flash) {
		return setStatus(id, next, AgentStatus.DRAINING, "draining: it finishes its tasks, then pauses", flash);
	}

	@PostMapping("/agents/{id}/resume")
	String resume(@PathVariable String id, @RequestParam(required = false) @Nullable String next,
			RedirectAttributes flash) {
		return setStatus(id, next, AgentStatus.ACTIVE, "resumed", flash);
	}

	@PostMapping("/agents/{id}/token")
	String rotateToken(@PathVariable String id, RedirectAttributes flash, HttpServletRequest request,
			HttpServletResponse response) {
		return PageActions.run(flash, "New token issued; the old one no longer works. Copy it now.", () -> {
			AgentId agentId = new AgentId(id);
			String token = this.registry.rotateToken(agentId);
			flash.addFlashAttribute(TokenReveal.FLASH, TokenReveal.seal(agentId.value(), token, request, response));
			return "/agents/" + id;
		}, "/agents/" + id);
	}

	@PostMapping("/agents/{id}/delete")
	String delete(@PathVariable String id, Principal principal, RedirectAttributes flash) {
		return PageActions.run(flash, "Agent " + id + " removed; its token is revoked and its tasks requeued.", () -> {
			this.registry.delete(new AgentId(id), principal.getName());
			return "/agents";
		}, "/agents/" + id);
	}

	private String setStatus(String id, @Nullable String next, AgentStatus status, String done,
			RedirectAttributes flash) {
		String back = PageActions.next(next, "/agents/" + id);
		return PageActions.run(flash, "Agent " + id + " " + done + ".", () -> {
			this.registry.setStatus(new AgentId(id), status);
			return back;
		}, back);
	}

	private static @Nullable AgentStatus parseStatus(@Nullable String status) {
		if (status == null || status.isBlank()) {
			return null;
		}
		try {
			return AgentStatus.fromWireName(status);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
