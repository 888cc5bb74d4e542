package io.nexus.server.usage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Arrays;

import io.nexus.server.tasks.TaskId;
import org.jspecify.annotations.Nullable;

/**
 * The period a budget counts over; days and months begin at midnight in
 * {@code nexus.budgets.time-zone}.
 */
public enum BudgetPeriod {

	/** Each task of the scope on its own, over its whole life: a cap per task. */
	TASK("task"),

	/** A calendar day. */
	DAY("day"),

	/** A calendar month. */
	MONTH("month");

	private final String wireName;

	BudgetPeriod(String wireName) {
		this.wireName = wireName;
	}

	public String wireName() {
		return this.wireName;
	}

	/**
	 * The period a moment falls in, as stored.
	 * @param now the moment
	 * @param zone where days begin
	 * @param taskId the task charged (the period of a budget per task), if any
	 * @return {@code 2026-12-04}, {@code 2026-12} or the task id
	 */
	public String key(Instant now, ZoneId zone, @Nullable TaskId taskId) {
		return switch (this) {
			case TASK -> (taskId != null) ? taskId.value() : "task";
			case DAY -> LocalDate.ofInstant(now, zone).toString();
			case MONTH -> YearMonth.from(now.atZone(zone)).toString();
		};
	}

	/**
	 * When the period that holds a moment ends.
	 * @param now the moment
	 * @param zone where days begin
	 * @return the next midnight or first of the month, or {@code null} for a task's
	 * lifetime
	 */
	public @Nullable Instant resetAt(Instant now, ZoneId zone) {
		return switch (this) {
			case TASK -> null;
			case DAY -> LocalDate.ofInstant(now, zone).plusDays(1).atStartOfDay(zone).toInstant();
			case MONTH -> YearMonth.from(now.atZone(zone)).plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
		};
	}

	public static BudgetPeriod fromWireName(String name) {
		return Arrays.stream(values())
			.filter((period) -> period.wireName.equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("no budget period " + name));
	}

}
