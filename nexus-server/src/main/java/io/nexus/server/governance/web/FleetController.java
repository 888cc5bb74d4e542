package io.nexus.server.governance.web;

import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.nexus.server.agents.AgentId;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.governance.FleetStop;
import io.nexus.server.governance.FleetStops;
import io.nexus.server.governance.FleetStops.Stopped;
import io.nexus.server.security.MultiFactor;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.PlainText;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The emergency stop: {@code POST /api/fleet/stop} and {@code /api/fleet/resume} (admin),
 * {@code GET /api/fleet/stop} (any role).
 */
@RestController
@RequestMapping("/api/fleet")
@Tag(name = "Fleet", description = "Emergency stop of the whole fleet or a part of it")
class FleetController {

	/** Items a scope may list, per kind. */
	static final int MAX_SCOPE_ITEMS = 100;

	private final FleetStops stops;

	private final MultiFactor mfa;

	private final AuditLog audit;

	FleetController(FleetStops stops, MultiFactor mfa, AuditLog audit) {
		this.stops = stops;
		this.mfa = mfa;
		this.audit = audit;
	}

	@PostMapping("/stop")
	@Operation(summary = "Stop the fleet, or a part of it (admin)",
			description = "hold: nothing in scope is dispatched or assigned, on any node, until resumed; "
					+ "halt: the same, and the tasks in scope that are running now are cancelled on their agents "
					+ "(task_cancel, reason emergency_stop). An admin with MFA must give a current code in mfa_code.")
	ResponseEntity<StopResponse> stop(@Valid @RequestBody StopRequest request, Principal principal) {
		String admin = principal.getName();
		if (this.mfa.isEnabled(admin) && !this.mfa.verify(admin, request.mfaCode())) {
			this.audit.record("fleet.stopped", null, AuditLog.FAILURE, "second factor missing or wrong");
			throw InvalidRequestException.unprocessable("mfa_code_invalid",
					"An emergency stop needs a current one-time code of your second factor in mfa_code", Map.of());
		}
		FleetStop.Mode mode = (request.mode() != null) ? FleetStop.Mode.valueOf(request.mode().toUpperCase(Locale.ROOT))
				: FleetStop.Mode.HOLD;
		ScopeRequest scope = (request.scope() != null) ? request.scope() : new ScopeRequest(null, null, null);
		Stopped stopped = this.stops.stop(mode, scope.toScope(), request.reason().strip(), admin);
		this.audit.record("fleet.stopped", stopped.stop().id(), AuditLog.SUCCESS, mode.wireName() + " of "
				+ stopped.stop().scope().describe() + ": " + stopped.stop().reason()
				+ (stopped.cancelled().isEmpty() ? "" : "; cancelled " + stopped.cancelled().size() + " task(s)"));
		return ResponseEntity.status(HttpStatus.CREATED).body(StopResponse.of(stopped.stop(), stopped.cancelled()));
	}

	@PostMapping("/resume")
	@Operation(summary = "End the emergency stops (admin)",
			description = "Ends the stop named by id, or every active stop; dispatch resumes at once on every node.")
	StopList resume(@Valid @RequestBody(required = false) @Nullable ResumeRequest request, Principal principal) {
		String id = (request != null) ? request.id() : null;
		List<FleetStop> ended = this.stops.resume(id, principal.getName());
		ended.forEach((stop) -> this.audit.record("fleet.resumed", stop.id(), AuditLog.SUCCESS,
				(request != null && request.reason() != null) ? request.reason().strip() : null));
		return new StopList(ended.stream().map((stop) -> StopResponse.of(stop, null)).toList());
	}

	@GetMapping("/stop")
	@Operation(summary = "The emergency stops in force")
	StopList active() {
		return new StopList(this.stops.active().stream().map((stop) -> StopResponse.of(stop, null)).toList());
	}

	/**
	 * The body of a stop.
	 *
	 * @param mode {@code hold} (default) or {@code halt}
	 * @param reason why, shown on every dashboard page and in the audit log
	 * @param scope what it covers (default: the whole fleet)
	 * @param mfaCode a current one-time code, required when the admin has MFA
	 */
	record StopRequest(@Nullable @Pattern(regexp = "hold|halt") String mode,
			@NotBlank @Size(max = Limits.MAX_REASON) @PlainText String reason, @Nullable @Valid ScopeRequest scope,
			@Nullable @Size(max = 64) String mfaCode) {

	}

	/**
	 * What a stop covers; every part optional.
	 *
	 * @param agentIds agents by id
	 * @param agentLabels agents carrying all of these labels
	 * @param categories tasks of these categories (default: every task)
	 */
	record ScopeRequest(
			@Nullable @Size(max = MAX_SCOPE_ITEMS) List<@NotNull @Pattern(regexp = AgentId.PATTERN) String> agentIds,
			@Nullable @Size(max = Limits.MAX_LABELS) Map<@NotNull @Pattern(
					regexp = Limits.LABEL_KEY_PATTERN) String, @NotNull @Size(
							max = Limits.MAX_LABEL_VALUE) @PlainText String> agentLabels,
			@Nullable @Size(
					max = MAX_SCOPE_ITEMS) List<@NotNull @Pattern(regexp = Limits.NAME_PATTERN) String> categories) {

		FleetStop.Scope toScope() {
			return new FleetStop.Scope((this.agentIds != null) ? this.agentIds : List.of(),
					(this.agentLabels != null) ? this.agentLabels : Map.of(),
					(this.categories != null) ? this.categories : List.of());
		}

	}

	/**
	 * The body of a resume.
	 *
	 * @param id the stop to end (default: all)
	 * @param reason why, for the audit log
	 */
	record ResumeRequest(@Nullable @Size(max = 64) String id,
			@Nullable @Size(max = Limits.MAX_REASON) @PlainText String reason) {

	}

	/**
	 * Stops.
	 *
	 * @param items the stops
	 */
	record StopList(List<StopResponse> items) {

	}

	/**
	 * A stop as the API shows it.
	 *
	 * @param id its id
	 * @param mode hold or halt
	 * @param active whether it is in force
	 * @param scope what it covers
	 * @param description the scope in words
	 * @param reason why
	 * @param createdBy the admin who stopped
	 * @param createdAt when
	 * @param endedAt when it was resumed
	 * @param endedBy who resumed it
	 * @param cancelled tasks a halt cancelled (only in the answer to the stop)
	 */
	record StopResponse(String id, String mode, boolean active, ScopeRequest scope, String description, String reason,
			String createdBy, Instant createdAt, @Nullable Instant endedAt, @Nullable String endedBy,
			@Nullable List<String> cancelled) {

		static StopResponse of(FleetStop stop, @Nullable List<String> cancelled) {
			return new StopResponse(stop.id(), stop.mode().wireName(), stop.active(),
					new ScopeRequest(stop.scope().agentIds(), stop.scope().agentLabels(), stop.scope().categories()),
					stop.scope().describe(), stop.reason(), stop.createdBy(), stop.createdAt(), stop.endedAt(),
					stop.endedBy(), cancelled);
		}

	}

}
