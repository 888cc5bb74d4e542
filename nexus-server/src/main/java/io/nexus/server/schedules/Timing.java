package io.nexus.server.schedules;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.nexus.server.shared.InvalidRequestException;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.support.CronExpression;

/**
 * When a schedule fires: a cron expression read in a time zone, or a fixed interval.
 * <p>
 * Daylight saving time follows the rule of cron daemons (cronie): a cron whose hour field
 * is {@code *} fires by the clock's real hours (an hour that does not exist has no fire
 * time; an hour that happens twice has two); any other cron fires by the wall clock, once
 * per matching wall time: a time skipped by a spring-forward fires right after the change
 * (02:30 becomes 03:30), and a time that happens twice in a fall-back fires the first
 * time only.
 */
final class Timing {

	/**
	 * Most wall times looked at for one fire time (guards against a cron that never
	 * fires).
	 */
	private static final int MAX_STEPS = 1_000;

	private final @Nullable CronExpression cron;

	private final boolean byRealHours;

	private final @Nullable Duration interval;

	private final ZoneId zone;

	private Timing(@Nullable CronExpression cron, boolean byRealHours, @Nullable Duration interval, ZoneId zone) {
		this.cron = cron;
		this.byRealHours = byRealHours;
		this.interval = interval;
		this.zone = zone;
	}

	/**
	 * Reads a schedule's timing.
	 * @param cron a cron expression (six fields with seconds, five without, or a macro
	 * such as {@code @daily}), or {@code null}
	 * @param intervalSeconds seconds between fires, or {@code null}
	 * @param timeZone a time zone id
	 * @return the timing
	 * @throws InvalidRequestException 422 naming the field at fault
	 */
	static Timing of(@Nullable String cron, @Nullable Long intervalSeconds, String timeZone) {
		ZoneId zone;
		try {
			zone = ZoneId.of(timeZone);
		}
		catch (DateTimeException ex) {
			throw invalid("time_zone", "unknown time zone '" + timeZone + "' (use an IANA id such as Europe/Berlin)");
		}
		if ((cron == null) == (intervalSeconds == null)) {
			throw invalid("cron", "give either cron or interval_seconds, not both and not neither");
		}
		if (intervalSeconds != null) {
			return new Timing(null, true, Duration.ofSeconds(intervalSeconds), zone);
		}
		String expression = cron.strip();
		String[] fields = expression.split("\\s+");
		if (fields.length == 5) {
			// the classic five fields: fire at second 0
			expression = "0 " + expression;
			fields = expression.split("\\s+");
		}
		CronExpression parsed;
		try {
			parsed = CronExpression.parse(expression);
		}
		catch (IllegalArgumentException ex) {
			throw invalid("cron", "cannot be parsed: " + ex.getMessage());
		}
		boolean byRealHours = (fields.length == 6) ? "*".equals(fields[2]) : "@hourly".equals(expression);
		Timing timing = new Timing(parsed, byRealHours, null, zone);
		if (timing.next(Instant.EPOCH) == null) {
			throw invalid("cron", "never fires");
		}
		return timing;
	}

	/**
	 * The first fire time after an instant.
	 * @param after the instant
	 * @return the fire time, or {@code null} if there is none (for a cron that never
	 * fires again)
	 */
	@Nullable Instant next(Instant after) {
		if (this.interval != null) {
			return after.plus(this.interval);
		}
		CronExpression cron = this.cron;
		if (this.byRealHours) {
			ZonedDateTime next = cron.next(ZonedDateTime.ofInstant(after, this.zone));
			return (next != null) ? next.toInstant() : null;
		}
		LocalDateTime wall = LocalDateTime.ofInstant(after, this.zone);
		for (int i = 0; i < MAX_STEPS; i++) {
			wall = cron.next(wall);
			if (wall == null) {
				return null;
			}
			// a wall time in a gap moves forward by the gap; one that happens twice is
			// the first
			Instant candidate = ZonedDateTime.ofLocal(wall, this.zone, null).toInstant();
			if (candidate.isAfter(after)) {
				return candidate;
			}
		}
		return null;
	}

	/**
	 * The fire times that follow one, for display.
	 * @param first the first fire time (included)
	 * @param count how many
	 * @return up to {@code count} fire times
	 */
	List<Instant> upcoming(Instant first, int count) {
		List<Instant> times = new ArrayList<>(count);
		Instant time = first;
		while (time != null && times.size() < count) {
			times.add(time);
			time = next(time);
		}
		return times;
	}

	ZoneId zone() {
		return this.zone;
	}

	private static InvalidRequestException invalid(String field, String message) {
		return InvalidRequestException.unprocessable("schedule_invalid", field + ": " + message,
				Map.of("field", field));
	}

}
