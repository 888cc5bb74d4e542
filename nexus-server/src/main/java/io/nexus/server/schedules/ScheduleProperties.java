package io.nexus.server.schedules;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Recurring schedules ({@code nexus.schedules.*}).
 *
 * @param enabled whether this node fires schedules (every node does by default; one fire
 * time creates one task whichever node fires it)
 * @param sweepInterval how often each node looks for schedules that are due
 * @param misfireGrace a fire time older than this when a node gets to it counts as
 * missed, and the schedule's catch-up policy decides whether it still fires
 * @param maxCatchUp the most missed fire times that catch-up {@code all} fires at once
 * (the most recent ones)
 * @param maxSchedules the most schedules there may be
 * @param historyRetention how long the record of each fire time is kept
 */
@Validated
@ConfigurationProperties("nexus.schedules")
public record ScheduleProperties(@DefaultValue("true") boolean enabled, @DefaultValue("1s") Duration sweepInterval,
		@DefaultValue("60s") Duration misfireGrace, @DefaultValue("10") @Min(1) @Max(1_000) int maxCatchUp,
		@DefaultValue("1000") @Min(1) @Max(100_000) int maxSchedules, @DefaultValue("30d") Duration historyRetention) {

}
