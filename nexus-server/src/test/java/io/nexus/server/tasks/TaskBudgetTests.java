package io.nexus.server.tasks;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The budget a task gets from its own and a budget policy's: the smaller of each limit.
 */
class TaskBudgetTests {

	private static final TaskBudget POLICY = new TaskBudget(100L, new BigDecimal("2"), "EUR");

	@Test
	void aTaskWithoutABudgetGetsThePolicys() {
		assertThat(TaskBudget.tighter(null, POLICY)).isEqualTo(POLICY);
	}

	@Test
	void eachLimitIsTheSmallerOfTheTwoOrTheOneThatIsSetAndThePolicySaysWhatHappens() {
		assertThat(TaskBudget.tighter(new TaskBudget(500L, new BigDecimal("1.5"), "EUR", TaskBudget.OnExceed.APPROVAL),
				POLICY))
			.isEqualTo(new TaskBudget(100L, new BigDecimal("1.5"), "EUR"));
		assertThat(TaskBudget.tighter(new TaskBudget(5L, null, "EUR", TaskBudget.OnExceed.CANCEL),
				new TaskBudget(10L, null, "EUR", TaskBudget.OnExceed.APPROVAL)))
			.isEqualTo(new TaskBudget(5L, null, "EUR", TaskBudget.OnExceed.CANCEL));
		assertThat(TaskBudget.tighter(new TaskBudget(50L, null, "USD"), POLICY))
			.isEqualTo(new TaskBudget(50L, new BigDecimal("2"), "EUR"));
		assertThat(TaskBudget.tighter(new TaskBudget(null, new BigDecimal("1"), "USD"),
				new TaskBudget(10L, null, "EUR", TaskBudget.OnExceed.APPROVAL)))
			.isEqualTo(new TaskBudget(10L, new BigDecimal("1"), "USD", TaskBudget.OnExceed.APPROVAL));
	}

	@Test
	void aCostLimitInAnotherCurrencyGivesWayToThePolicys() {
		assertThat(TaskBudget.tighter(new TaskBudget(null, new BigDecimal("0.01"), "USD"), POLICY))
			.isEqualTo(new TaskBudget(100L, new BigDecimal("2"), "EUR"));
	}

}
