package io.nexus.server.usage;

/**
 * A scope's budget reached 80 % for its period; published once per budget and period, a
 * notification for people.
 *
 * @param budgetId the budget
 * @param name its name
 * @param scope the scope in words, such as {@code creator alice}
 * @param periodKey the period, such as {@code 2026-12-04}
 * @param percent how much of it is used
 */
public record BudgetWarned(String budgetId, String name, String scope, String periodKey, double percent) {

}
