package io.nexus.server.usage;

import java.time.Instant;
import java.time.ZoneId;

import io.nexus.server.tasks.TaskId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Periods begin and end at midnight in the configured zone.
 */
class BudgetPeriodTests {

	private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

	@Test
	void aDayEndsAtMidnightInTheZone() {
		Instant lateEvening = Instant.parse("2026-12-04T22:30:00Z");
		assertThat(BudgetPeriod.DAY.key(lateEvening, PARIS, null)).isEqualTo("2026-12-04");
		assertThat(BudgetPeriod.DAY.key(lateEvening, ZoneId.of("UTC"), null)).isEqualTo("2026-12-04");
		assertThat(BudgetPeriod.DAY.key(Instant.parse("2026-12-04T23:30:00Z"), PARIS, null)).isEqualTo("2026-12-05");
		assertThat(BudgetPeriod.DAY.resetAt(lateEvening, PARIS)).isEqualTo(Instant.parse("2026-12-04T23:00:00Z"));
	}

	@Test
	void aMonthEndsOnTheFirstAtMidnightInTheZone() {
		Instant now = Instant.parse("2026-12-31T23:30:00Z");
		assertThat(BudgetPeriod.MONTH.key(now, ZoneId.of("UTC"), null)).isEqualTo("2026-12");
		assertThat(BudgetPeriod.MONTH.key(now, PARIS, null)).isEqualTo("2027-01");
		assertThat(BudgetPeriod.MONTH.resetAt(Instant.parse("2026-12-04T10:00:00Z"), ZoneId.of("UTC")))
			.isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
	}

	@Test
	void aTaskBudgetCountsEachTaskOnItsOwnAndNeverResets() {
		Instant now = Instant.parse("2026-12-04T10:00:00Z");
		assertThat(BudgetPeriod.TASK.key(now, PARIS, new TaskId("task_a"))).isEqualTo("task_a");
		assertThat(BudgetPeriod.TASK.resetAt(now, PARIS)).isNull();
	}

}
