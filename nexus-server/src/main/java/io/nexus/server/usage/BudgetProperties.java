package io.nexus.server.usage;

import java.time.Duration;
import java.time.ZoneId;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Budgets ({@code nexus.budgets.*}).
 *
 * @param timeZone where the days and months of budgets begin (an IANA zone such as
 * {@code Europe/Paris}, default UTC)
 * @param refreshInterval how often every node reads which scope budgets are spent, and so
 * notices a period that ended (they also read at once when a budget changes)
 */
@ConfigurationProperties("nexus.budgets")
public record BudgetProperties(@DefaultValue("UTC") ZoneId timeZone, @DefaultValue("1s") Duration refreshInterval) {

}
