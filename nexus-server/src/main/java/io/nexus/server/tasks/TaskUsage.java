package io.nexus.server.tasks;

import java.math.BigDecimal;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What the agents of a task have reported spending on it, summed over every report and
 * attempt.
 *
 * @param inputTokens tokens read by models
 * @param outputTokens tokens written by models
 * @param cost money spent, in {@code currency}
 * @param currency the currency of the first report with a cost; reports in another
 * currency add their tokens only
 * @param model the model last reported, if any
 * @param reports how many reports carried usage
 * @param updatedAt when the last one was stored
 */
public record TaskUsage(long inputTokens, long outputTokens, BigDecimal cost, String currency, @Nullable String model,
		int reports, Instant updatedAt) {

}
