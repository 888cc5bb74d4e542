package io.nexus.server.metrics;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of Nexus's own metrics ({@code nexus.metrics.*}).
 *
 * @param refreshInterval how often the gauges of agents, tasks and queue depth are read
 * from the database (a scrape never queries it)
 * @param maxLabelValues distinct values of a {@code category} or {@code capability} label
 * before further values are reported as {@code other}
 * @param maxAgentSeries connected agents whose reported CPU and memory are exported with
 * an {@code agent} label; further agents are left out
 */
@ConfigurationProperties("nexus.metrics")
public record MetricsProperties(@DefaultValue("10s") Duration refreshInterval, @DefaultValue("50") int maxLabelValues,
		@DefaultValue("500") int maxAgentSeries) {

}
