package io.nexus.server.governance.web;

import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.governance.TaskLimit;
import io.nexus.server.governance.TaskLimits;
import io.nexus.server.governance.TaskLimits.Usage;
import io.nexus.server.shared.Limits;
import io.nexus.server.tasks.TaskKey;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Concurrency and rate limits by key: {@code GET /api/limits} (any role), {@code POST},
 * {@code PUT /api/limits/{id}} and {@code DELETE /api/limits/{id}} (admin, audited).
 */
@RestController
@RequestMapping("/api/limits")
@Tag(name = "Limits", description = "Concurrency and rate limits on tasks by key")
class LimitController {

	/** The most a limit may allow, in tasks or starts per second. */
	static final int MAX_VALUE = 100_000;

	private final TaskLimits limits;

	private final AuditLog audit;

	LimitController(TaskLimits limits, AuditLog audit) {
		this.limits = limits;
		this.audit = audit;
	}

	@GetMapping
	@Operation(summary = "The limits, with how full each is")
	LimitList list() {
		return new LimitList(this.limits.list().stream().map(this::response).toList());
	}

	@GetMapping("/{id}")
	@Operation(summary = "One limit, with how full it is")
	LimitResponse get(@PathVariable @Pattern(regexp = Limits.NAME_PATTERN) String id) {
		return response(this.limits.find(id));
	}

	@PostMapping
	@Operation(summary = "Create a limit (admin)",
			description = "Of each value of the key (category or created_by), at most max_running tasks assigned or "
					+ "in progress at once, and at most rate_per_second started per second (bursts of burst), on "
					+ "every node together. Tasks held back wait with a waiting_reason naming the limit.")
	ResponseEntity<LimitResponse> create(@Valid @RequestBody LimitRequest request, Principal principal) {
		TaskLimit limit = this.limits.create(request.toSpec(), principal.getName());
		this.audit.record("limit.created", limit.id(), AuditLog.SUCCESS, limit.name() + ": " + limit.describe());
		return ResponseEntity.status(HttpStatus.CREATED).body(response(limit));
	}

	@PutMapping("/{id}")
	@Operation(summary = "Replace a limit (admin)", description = "A changed rate starts with full buckets.")
	LimitResponse update(@PathVariable @Pattern(regexp = Limits.NAME_PATTERN) String id,
			@Valid @RequestBody LimitRequest request) {
		TaskLimit limit = this.limits.update(id, request.toSpec());
		this.audit.record("limit.updated", limit.id(), AuditLog.SUCCESS, limit.name() + ": " + limit.describe());
		return response(limit);
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Delete a limit (admin)", description = "What it held back may start at once.")
	ResponseEntity<Void> delete(@PathVariable @Pattern(regexp = Limits.NAME_PATTERN) String id) {
		TaskLimit limit = this.limits.delete(id);
		this.audit.record("limit.deleted", limit.id(), AuditLog.SUCCESS, limit.name() + ": " + limit.describe());
		return ResponseEntity.noContent().build();
	}

	private LimitResponse response(TaskLimit limit) {
		Usage usage = this.limits.usage(limit.id());
		return new LimitResponse(limit.id(), limit.name(), limit.key().wireName(), limit.matchCategory(),
				limit.maxRunning(), limit.ratePerSecond(), limit.burst(), limit.describe(), usage.running(),
				usage.held(), limit.createdBy(), limit.createdAt(), limit.updatedAt());
	}

	/**
	 * The body of a create or replace.
	 *
	 * @param name a unique name (letters, digits, {@code _.:/-}, at most 64)
	 * @param key {@code category}, {@code created_by} or {@code fairness_key}
	 * @param matchCategory only tasks of this category are limited (default: all)
	 * @param maxRunning at most this many assigned or in progress per key value
	 * @param ratePerSecond at most this many started per second per key value
	 * @param burst the token bucket's size (default 1)
	 */
	record LimitRequest(@NotNull @Pattern(regexp = Limits.NAME_PATTERN) String name,
			@NotNull @Pattern(regexp = "category|created_by|fairness_key") String key,
			@Nullable @Pattern(regexp = Limits.NAME_PATTERN) String matchCategory,
			@Nullable @Min(1) @Max(MAX_VALUE) Integer maxRunning,
			@Nullable @DecimalMin(value = "0.001") @DecimalMax(value = "100000") Double ratePerSecond,
			@Nullable @Min(1) @Max(MAX_VALUE) Integer burst) {

		TaskLimits.Spec toSpec() {
			return new TaskLimits.Spec(this.name, TaskKey.fromWireName(this.key), this.matchCategory, this.maxRunning,
					this.ratePerSecond, this.burst);
		}

	}

	/**
	 * Limits.
	 *
	 * @param items the limits, by name
	 */
	record LimitList(List<LimitResponse> items) {

	}

	/**
	 * A limit as the API shows it.
	 *
	 * @param id its id
	 * @param name its name
	 * @param key what tasks are counted by
	 * @param matchCategory only tasks of this category, or all
	 * @param maxRunning at most this many running per key value
	 * @param ratePerSecond at most this many started per second per key value
	 * @param burst the bucket size
	 * @param description the limit in words
	 * @param running running tasks per key value, as this node last measured (a
	 * concurrency limit)
	 * @param held key values at the limit now: their tasks wait
	 * @param createdBy the admin who created it
	 * @param createdAt when
	 * @param updatedAt when it last changed
	 */
	record LimitResponse(String id, String name, String key, @Nullable String matchCategory,
			@Nullable Integer maxRunning, @Nullable Double ratePerSecond, @Nullable Integer burst, String description,
			Map<String, Integer> running, List<String> held, String createdBy, Instant createdAt, Instant updatedAt) {

	}

}
