package io.nexus.server.dashboard;

import java.security.Principal;
import java.util.List;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.shared.NexusException;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.webhooks.WebhookDelivery;
import io.nexus.server.webhooks.WebhookSubscription;
import io.nexus.server.webhooks.WebhookSubscriptions;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The Webhooks page (admins only, as the API): the subscriptions, the delivery log of the
 * one selected (its latest {@value #LOG_ROWS} deliveries), and a button that sends a
 * delivery's event again.
 */
@Controller
class WebhooksController {

	static final int LOG_ROWS = 50;

	private final WebhookSubscriptions webhooks;

	private final AuditLog audit;

	WebhooksController(WebhookSubscriptions webhooks, AuditLog audit) {
		this.webhooks = webhooks;
		this.audit = audit;
	}

	@GetMapping("/webhooks")
	String webhooks(@RequestParam(required = false) @Nullable String id, Model model) {
		List<WebhookSubscription> subscriptions = this.webhooks.list();
		WebhookSubscription selected = subscriptions.stream()
			.filter((subscription) -> subscription.id().equals(id))
			.findFirst()
			.orElse(subscriptions.isEmpty() ? null : subscriptions.get(0));
		Page<WebhookDelivery> log = (selected != null)
				? this.webhooks.deliveries(selected.id(), new PageRequest(LOG_ROWS, null))
				: new Page<>(List.of(), null);
		model.addAttribute("page", "webhooks");
		model.addAttribute("subscriptions", subscriptions);
		model.addAttribute("selected", selected);
		model.addAttribute("deliveries", log.items());
		model.addAttribute("failingCount",
				subscriptions.stream().filter((subscription) -> subscription.failingSince() != null).count());
		model.addAttribute("disabledCount",
				subscriptions.stream()
					.filter((subscription) -> !subscription.enabled() && subscription.disabledReason() != null)
					.count());
		return "dashboard/webhooks";
	}

	@PostMapping("/webhooks/{id}/deliveries/{deliveryId}/redeliver")
	String redeliver(@PathVariable String id, @PathVariable String deliveryId, Principal principal,
			RedirectAttributes flash) {
		try {
			WebhookDelivery delivery = this.webhooks.redeliver(id, deliveryId);
			this.audit.record("webhook.redelivered", id, AuditLog.SUCCESS, "event " + delivery.eventId()
					+ " as delivery " + delivery.id() + " (from " + deliveryId + "), from the dashboard");
			flash.addFlashAttribute("notice",
					"Event " + delivery.eventId() + " queued for delivery again as " + delivery.id() + ".");
		}
		catch (NexusException ex) {
			flash.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:" + UriComponentsBuilder.fromPath("/webhooks").queryParam("id", id).toUriString();
	}

}
