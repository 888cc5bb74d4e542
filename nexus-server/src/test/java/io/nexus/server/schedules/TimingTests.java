package io.nexus.server.schedules;

import java.time.Instant;

import io.nexus.server.shared.InvalidRequestException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fire times of crons in a time zone across daylight saving changes, intervals, and the
 * refusal of timings that cannot work.
 */
class TimingTests {

	private static final String BERLIN = "Europe/Berlin";

	@Test
	void aDailyCronInTheSkippedHourOfASpringForwardFiresOnceRightAfterTheChange() {
		Timing daily = Timing.of("0 30 2 * * *", null, BERLIN);
		// 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist
		assertThat(daily.upcoming(daily.next(Instant.parse("2026-03-28T12:00:00Z")), 3)).containsExactly(
				Instant.parse("2026-03-29T01:30:00Z"), Instant.parse("2026-03-30T00:30:00Z"),
				Instant.parse("2026-03-31T00:30:00Z"));
	}

	@Test
	void aDailyCronInTheRepeatedHourOfAFallBackFiresOnlyTheFirstTime() {
		Timing daily = Timing.of("30 2 * * *", null, BERLIN);
		// 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens twice
		assertThat(daily.upcoming(daily.next(Instant.parse("2026-10-24T12:00:00Z")), 3)).containsExactly(
				Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-26T01:30:00Z"),
				Instant.parse("2026-10-27T01:30:00Z"));
		assertThat(daily.next(Instant.parse("2026-10-25T00:30:00Z"))).isEqualTo(Instant.parse("2026-10-26T01:30:00Z"));
	}

	@Test
	void anHourlyCronFollowsTheRealHoursAcrossBothChanges() {
		Timing hourly = Timing.of("0 0 * * * *", null, BERLIN);
		assertThat(hourly.upcoming(hourly.next(Instant.parse("2026-10-24T23:30:00Z")), 4)).containsExactly(
				Instant.parse("2026-10-25T00:00:00Z"), Instant.parse("2026-10-25T01:00:00Z"),
				Instant.parse("2026-10-25T02:00:00Z"), Instant.parse("2026-10-25T03:00:00Z"));
		assertThat(hourly.upcoming(hourly.next(Instant.parse("2026-03-28T23:30:00Z")), 3)).containsExactly(
				Instant.parse("2026-03-29T00:00:00Z"), Instant.parse("2026-03-29T01:00:00Z"),
				Instant.parse("2026-03-29T02:00:00Z"));
	}

	@Test
	void anIntervalAddsItsSecondsWhateverTheZone() {
		Timing every90 = Timing.of(null, 90L, BERLIN);
		assertThat(every90.next(Instant.parse("2026-03-29T00:59:00Z")))
			.isEqualTo(Instant.parse("2026-03-29T01:00:30Z"));
	}

	@Test
	void refusesTimingsThatCannotWorkNamingTheField() {
		assertThatThrownBy(() -> Timing.of("not a cron", null, "UTC")).isInstanceOf(InvalidRequestException.class)
			.hasMessageStartingWith("cron:");
		assertThatThrownBy(() -> Timing.of("0 0 0 30 2 *", null, "UTC")).hasMessage("cron: never fires");
		assertThatThrownBy(() -> Timing.of("0 0 * * * *", null, "Mars/Olympus")).hasMessageStartingWith("time_zone:");
		assertThatThrownBy(() -> Timing.of("0 0 * * * *", 60L, "UTC")).hasMessageStartingWith("cron:");
		assertThatThrownBy(() -> Timing.of(null, null, "UTC")).hasMessageStartingWith("cron:");
	}

}
