package io.nexus.server.schedules.web;

import java.security.Principal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.schedules.CatchUp;
import io.nexus.server.schedules.Overlap;
import io.nexus.server.schedules.Schedule;
import io.nexus.server.schedules.ScheduleFire;
import io.nexus.server.schedules.Schedules;
import io.nexus.server.schedules.Schedules.Spec;
import io.nexus.server.shared.PlainText;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Recurring schedules, {@code /api/schedules}: every role reads them, admins change them
 * (audited).
 */
@RestController
@RequestMapping("/api/schedules")
@Tag(name = "Schedules", description = "Recurring tasks: cron or fixed interval, in a time zone")
class ScheduleController {

	private static final String ID = "^[a-z]{3,4}_[0-9a-z]{26}$";

	/** Longest interval between fires: a year. */
	static final long MAX_INTERVAL_SECONDS = 31_536_000;

	private final Schedules schedules;

	private final AuditLog audit;

	ScheduleController(Schedules schedules, AuditLog audit) {
		this.schedules = schedules;
		this.audit = audit;
	}

	@GetMapping
	@Operation(summary = "The schedules, by name")
	ScheduleList list() {
		return new ScheduleList(this.schedules.list().stream().map(this::response).toList());
	}

	@GetMapping("/{id}")
	@Operation(summary = "One schedule, with its next fire times")
	ScheduleResponse get(@PathVariable @Pattern(regexp = ID) String id) {
		return response(this.schedules.get(id));
	}

	@GetMapping("/{id}/fires")
	@Operation(summary = "What happened at a schedule's latest fire times, latest first")
	FireList fires(@PathVariable @Pattern(regexp = ID) String id,
			@RequestParam(required = false) @Nullable @Min(1) @Max(500) Integer limit) {
		return new FireList(this.schedules.fires(id, (limit != null) ? limit : 50));
	}

	@PostMapping
	@Operation(summary = "Create a schedule (admin)",
			description = "A cron that does not parse, a time zone that does not exist, or a template that would "
					+ "not make a valid task gets 422 naming the field, and nothing is stored.")
	ResponseEntity<ScheduleResponse> create(@Valid @RequestBody ScheduleRequest request, Principal principal) {
		Schedule schedule = this.schedules.create(request.toSpec(), principal.getName());
		this.audit.record("schedule.created", schedule.id(), AuditLog.SUCCESS, describe(schedule));
		return ResponseEntity.status(HttpStatus.CREATED).body(response(schedule));
	}

	@PutMapping("/{id}")
	@Operation(summary = "Replace a schedule (admin)",
			description = "A change of cron, interval or time zone starts the fire times afresh from now.")
	ScheduleResponse update(@PathVariable @Pattern(regexp = ID) String id,
			@Valid @RequestBody ScheduleRequest request) {
		Schedule schedule = this.schedules.update(id, request.toSpec());
		this.audit.record("schedule.updated", id, AuditLog.SUCCESS, describe(schedule));
		return response(schedule);
	}

	@PostMapping("/{id}/pause")
	@Operation(summary = "Pause a schedule (admin)")
	ScheduleResponse pause(@PathVariable @Pattern(regexp = ID) String id) {
		Schedule schedule = this.schedules.pause(id);
		this.audit.record("schedule.paused", id, AuditLog.SUCCESS, schedule.name());
		return response(schedule);
	}

	@PostMapping("/{id}/resume")
	@Operation(summary = "Resume a paused schedule from now (admin)",
			description = "Fire times that passed while it was paused are not caught up.")
	ScheduleResponse resume(@PathVariable @Pattern(regexp = ID) String id) {
		Schedule schedule = this.schedules.resume(id);
		this.audit.record("schedule.resumed", id, AuditLog.SUCCESS, schedule.name());
		return response(schedule);
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Delete a schedule (admin); the tasks it created stay")
	ResponseEntity<Void> delete(@PathVariable @Pattern(regexp = ID) String id) {
		Schedule schedule = this.schedules.delete(id);
		this.audit.record("schedule.deleted", id, AuditLog.SUCCESS, describe(schedule));
		return ResponseEntity.noContent().build();
	}

	private ScheduleResponse response(Schedule schedule) {
		return new ScheduleResponse(schedule.id(), schedule.name(), schedule.templateJson(), schedule.cron(),
				schedule.intervalSeconds(), schedule.timeZone(), schedule.overlap().wireName(),
				schedule.catchUp().wireName(), schedule.paused(), schedule.nextFireAt(),
				this.schedules.nextFireTimes(schedule), schedule.lastFiredAt(), schedule.lastTaskId(),
				schedule.createdBy(), schedule.createdAt(), schedule.updatedAt());
	}

	private static String describe(Schedule schedule) {
		return schedule.name() + ": "
				+ ((schedule.cron() != null) ? "cron " + schedule.cron() : "every " + schedule.intervalSeconds() + "s")
				+ " in " + schedule.timeZone() + ", overlap " + schedule.overlap().wireName() + ", catch_up "
				+ schedule.catchUp().wireName() + (schedule.paused() ? " (paused)" : "");
	}

	/**
	 * The body of a create or replace.
	 *
	 * @param name a unique name, at most 128 characters
	 * @param template the task template: the body of {@code POST /api/tasks}, without
	 * {@code id}, {@code idempotency_key}, {@code dependencies} and {@code run_at}
	 * @param cron a cron expression (Spring's: six fields with seconds, or five without;
	 * macros such as {@code @daily}); exactly one of cron and interval_seconds
	 * @param intervalSeconds seconds between fires, 1 to 31,536,000
	 * @param timeZone the IANA time zone the cron is read in (default {@code UTC})
	 * @param overlap {@code skip} (default), {@code allow} or {@code cancel_previous}
	 * @param catchUp {@code none}, {@code latest} (default) or {@code all}
	 * @param paused whether it starts paused (default false)
	 */
	record ScheduleRequest(@NotBlank @Size(max = 128) @PlainText String name, @NotNull JsonNode template,
			@Nullable @Size(max = 200) @PlainText String cron,
			@Nullable @Min(1) @Max(MAX_INTERVAL_SECONDS) Long intervalSeconds,
			@Nullable @Size(max = 64) @PlainText String timeZone, @Nullable String overlap, @Nullable String catchUp,
			@Nullable Boolean paused) {

		Spec toSpec() {
			return new Spec(this.name.strip(), this.template, this.cron, this.intervalSeconds,
					(this.timeZone != null) ? this.timeZone : "UTC",
					(this.overlap != null) ? Overlap.fromWireName(this.overlap) : Overlap.SKIP,
					(this.catchUp != null) ? CatchUp.fromWireName(this.catchUp) : CatchUp.LATEST,
					Boolean.TRUE.equals(this.paused));
		}

	}

	/**
	 * Schedules.
	 *
	 * @param items the schedules, by name
	 */
	record ScheduleList(List<ScheduleResponse> items) {

	}

	/**
	 * Fire times of a schedule.
	 *
	 * @param items the fires, latest first
	 */
	record FireList(List<ScheduleFire> items) {

	}

	/**
	 * A schedule as the API shows it.
	 *
	 * @param id its id
	 * @param name its name
	 * @param template the task template
	 * @param cron its cron expression, if it has one
	 * @param intervalSeconds seconds between fires, if it has an interval
	 * @param timeZone the time zone the cron is read in
	 * @param overlap skip, allow or cancel_previous
	 * @param catchUp none, latest or all
	 * @param paused whether it is paused
	 * @param nextFireAt the next fire time
	 * @param nextFireTimes the next five fire times
	 * @param lastFiredAt the last fire time that created a task
	 * @param lastTaskId that task
	 * @param createdBy who created it
	 * @param createdAt when
	 * @param updatedAt when its definition last changed
	 */
	record ScheduleResponse(String id, String name, @JsonRawValue String template, @Nullable String cron,
			@Nullable Long intervalSeconds, String timeZone, String overlap, String catchUp, boolean paused,
			Instant nextFireAt, List<Instant> nextFireTimes, @Nullable Instant lastFiredAt, @Nullable String lastTaskId,
			String createdBy, Instant createdAt, Instant updatedAt) {

	}

}
