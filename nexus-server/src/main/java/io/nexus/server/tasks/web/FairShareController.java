package io.nexus.server.tasks.web;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.shared.Limits;
import io.nexus.server.tasks.FairShare;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Fair share between task keys: {@code GET /api/fair-share} (any role) and the weights,
 * {@code PUT} and {@code DELETE /api/fair-share/weights/{key}} (admin, audited).
 */
@RestController
@Validated
@RequestMapping("/api/fair-share")
@Tag(name = "Fair share", description = "Weights of the fair-share keys that tasks carry")
class FairShareController {

	/** The greatest weight. */
	static final int MAX_WEIGHT = 1000;

	private final FairShare fairShare;

	private final AuditLog audit;

	FairShareController(FairShare fairShare, AuditLog audit) {
		this.fairShare = fairShare;
		this.audit = audit;
	}

	@GetMapping
	@Operation(summary = "Fair-share keys with their weights and queued tasks")
	FairShareResponse get() {
		Map<String, Integer> weights = this.fairShare.weights();
		Map<String, Long> queued = this.fairShare.queued();
		TreeSet<String> keys = new TreeSet<>(weights.keySet());
		keys.addAll(queued.keySet());
		List<KeyResponse> items = new ArrayList<>();
		for (String key : keys) {
			items.add(new KeyResponse(key, weights.getOrDefault(key, 1), weights.containsKey(key),
					queued.getOrDefault(key, 0L)));
		}
		return new FairShareResponse(items);
	}

	@PutMapping("/weights/{key}")
	@Operation(summary = "Set a key's weight (admin)",
			description = "Within a priority level, dispatch serves keys in proportion to their weights.")
	KeyResponse setWeight(@PathVariable @Pattern(regexp = Limits.FAIRNESS_KEY_PATTERN) String key,
			@Valid @RequestBody WeightRequest request, Principal principal) {
		this.fairShare.setWeight(key, request.weight(), principal.getName());
		this.audit.record("fair_share.weight_set", key, AuditLog.SUCCESS, "weight " + request.weight());
		return new KeyResponse(key, request.weight(), true, this.fairShare.queued().getOrDefault(key, 0L));
	}

	@DeleteMapping("/weights/{key}")
	@Operation(summary = "Remove a key's weight: it weighs 1 again (admin)")
	ResponseEntity<Void> deleteWeight(@PathVariable @Pattern(regexp = Limits.FAIRNESS_KEY_PATTERN) String key) {
		this.fairShare.deleteWeight(key);
		this.audit.record("fair_share.weight_deleted", key, AuditLog.SUCCESS, null);
		return ResponseEntity.noContent().build();
	}

	/**
	 * The body of a weight.
	 *
	 * @param weight 1 to 1000
	 */
	record WeightRequest(@NotNull @Min(1) @Max(MAX_WEIGHT) Integer weight) {

	}

	/**
	 * Fair-share keys.
	 *
	 * @param items the keys with a weight or queued tasks, by key
	 */
	record FairShareResponse(List<KeyResponse> items) {

	}

	/**
	 * A fair-share key.
	 *
	 * @param key the key
	 * @param weight its weight (1 unless set)
	 * @param weightSet whether an admin set the weight
	 * @param queued its queued tasks, as this node last read (at most a second old)
	 */
	record KeyResponse(String key, int weight, boolean weightSet, long queued) {

	}

}
