package io.nexus.server.usage;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A scope's budget was spent for its period: new tasks of the scope wait until
 * {@code resetAt}, and its running tasks are stopped at their next usage report.
 * Published once per budget and period, by the report that crossed it; a notification for
 * people.
 *
 * @param budgetId the budget
 * @param name its name
 * @param scope the scope in words, such as {@code creator alice}
 * @param periodKey the period, such as {@code 2026-12-04}
 * @param resetAt when the period ends, or {@code null} for a budget per task
 */
public record BudgetSpent(String budgetId, String name, String scope, String periodKey, @Nullable Instant resetAt) {

}
