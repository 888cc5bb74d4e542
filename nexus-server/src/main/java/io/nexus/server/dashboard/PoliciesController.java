package io.nexus.server.dashboard;

import java.security.Principal;
import java.util.List;
import java.util.Map;

import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.governance.InvalidPolicyException;
import io.nexus.server.governance.PlacementPolicies;
import io.nexus.server.governance.PlacementPolicy;
import io.nexus.server.shared.NexusException;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskService;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The Policies page: the placement policies for every role, their editing for admins (a
 * condition that does not compile is shown with its line and column, and nothing is
 * saved), and a dry run of a task on an agent for every role.
 */
@Controller
class PoliciesController {

	private final PlacementPolicies policies;

	private final TaskService tasks;

	private final AgentRegistry agents;

	private final AuditLog audit;

	PoliciesController(PlacementPolicies policies, TaskService tasks, AgentRegistry agents, AuditLog audit) {
		this.policies = policies;
		this.tasks = tasks;
		this.agents = agents;
		this.audit = audit;
	}

	@GetMapping("/policies")
	String page(@RequestParam(required = false) @Nullable String edit, Model model) {
		PolicyForm form = PolicyForm.BLANK;
		if (edit != null && !edit.isBlank()) {
			try {
				form = PolicyForm.of(this.policies.get(edit));
			}
			catch (NexusException ex) {
				model.addAttribute("error", ex.getMessage());
			}
		}
		return render(model, form, null, null);
	}

	@PostMapping("/policies")
	String save(@ModelAttribute PolicyForm form, Authentication authentication, Principal principal, Model model,
			HttpServletResponse response, RedirectAttributes flash) {
		if (!"admin".equals(DashboardModel.role(authentication))) {
			flash.addFlashAttribute("error", "Only an admin can change placement policies.");
			return "redirect:/policies";
		}
		try {
			PlacementPolicy.Definition definition = form.toDefinition();
			PlacementPolicy saved = form.editing() ? this.policies.update(form.id(), definition, principal.getName())
					: this.policies.create(definition, principal.getName());
			this.audit.record(form.editing() ? "policy.updated" : "policy.created", saved.id(), AuditLog.SUCCESS,
					saved.definition().name() + " " + saved.ref() + " (" + saved.definition().effect().wireName()
							+ "), from the dashboard");
			flash.addFlashAttribute("notice", "Policy " + saved.definition().name() + " saved as version "
					+ saved.version() + "; it applies on every node within a second.");
			return "redirect:/policies";
		}
		catch (InvalidPolicyException ex) {
			response.setStatus(422);
			model.addAttribute("policyError", ex.getMessage());
			model.addAttribute("compileErrors", ex.properties().getOrDefault("errors", List.of()));
			return render(model, form, null, null);
		}
		catch (NexusException | IllegalArgumentException ex) {
			response.setStatus(422);
			model.addAttribute("policyError", ex.getMessage());
			return render(model, form, null, null);
		}
	}

	@PostMapping("/policies/{id}/delete")
	String delete(@PathVariable String id, Authentication authentication, Principal principal,
			RedirectAttributes flash) {
		if (!"admin".equals(DashboardModel.role(authentication))) {
			flash.addFlashAttribute("error", "Only an admin can change placement policies.");
			return "redirect:/policies";
		}
		return PageActions.run(flash, "Policy deleted; its versions are kept.", () -> {
			PlacementPolicy policy = this.policies.delete(id, principal.getName());
			this.audit.record("policy.deleted", policy.id(), AuditLog.SUCCESS,
					policy.definition().name() + " " + policy.ref() + ", from the dashboard");
			return "/policies";
		}, "/policies");
	}

	@PostMapping("/policies/dry-run")
	String dryRun(@RequestParam(required = false) @Nullable String taskId,
			@RequestParam(required = false) @Nullable String agentId, Model model, HttpServletResponse response) {
		DryRunForm asked = new DryRunForm((taskId != null) ? taskId.strip() : "",
				(agentId != null) ? agentId.strip() : "");
		try {
			Map<String, Object> task = PlacementPolicies.variablesOf(this.tasks.get(new TaskId(asked.taskId())));
			PlacementPolicies.DryRun run = this.policies.dryRun(task, this.agents.get(new AgentId(asked.agentId())),
					null);
			return render(model, PolicyForm.BLANK, asked, run);
		}
		catch (NexusException | IllegalArgumentException ex) {
			response.setStatus(422);
			model.addAttribute("policyError", "Dry run: " + ex.getMessage());
			return render(model, PolicyForm.BLANK, asked, null);
		}
	}

	private String render(Model model, PolicyForm form, @Nullable DryRunForm asked,
			PlacementPolicies.@Nullable DryRun run) {
		model.addAttribute("page", "policies");
		model.addAttribute("policies", this.policies.list());
		model.addAttribute("form", form);
		model.addAttribute("asked", (asked != null) ? asked : new DryRunForm("", ""));
		model.addAttribute("run", run);
		return "dashboard/policies";
	}

	/**
	 * What the dry-run form asked.
	 *
	 * @param taskId the task
	 * @param agentId the agent
	 */
	record DryRunForm(String taskId, String agentId) {

	}

}
