package io.nexus.server.governance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The breaker that quarantines agents ({@code nexus.governance.quarantine.*}). A count of
 * 0 turns its check off.
 *
 * @param enabled whether the breaker trips at all (operators may still quarantine by
 * hand)
 * @param consecutiveFailures failed tasks in a row that trip it
 * @param failureRate share of failed tasks over {@code window} that trips it, 0 to 1
 * @param failureRateMinTasks finished tasks over {@code window} before the rate counts
 * @param window the window of the rate, timeout and stale-report counts
 * @param timeouts tasks past their timeout over {@code window} that trip it
 * @param unaccepted assignments in a row not accepted within the ack timeout, while the
 * agent keeps beating, that trip it (a zombie)
 * @param staleReports reports on leases the agent no longer held, over {@code window},
 * that trip it
 * @param cooldown how long the first quarantine lasts before the probe task; it doubles
 * with every failed probe
 * @param maxCooldown the longest cool-down
 * @param runningTasks what happens to the tasks an agent is running when it is
 * quarantined
 * @param overrides thresholds for agents with a label, first match wins
 */
@ConfigurationProperties("nexus.governance.quarantine")
public record QuarantineProperties(@DefaultValue("true") boolean enabled, @DefaultValue("5") int consecutiveFailures,
		@DefaultValue("0.5") double failureRate, @DefaultValue("10") int failureRateMinTasks,
		@DefaultValue("10m") Duration window, @DefaultValue("3") int timeouts, @DefaultValue("1") int unaccepted,
		@DefaultValue("5") int staleReports, @DefaultValue("1m") Duration cooldown,
		@DefaultValue("30m") Duration maxCooldown, @DefaultValue("finish") RunningTasks runningTasks,
		@DefaultValue List<Override> overrides) {

	/**
	 * The thresholds for an agent with these labels.
	 * @param labels the agent's labels
	 * @return the thresholds of the first override whose label it carries, else the
	 * defaults
	 */
	Thresholds thresholdsFor(Map<String, String> labels) {
		Thresholds defaults = new Thresholds(this.enabled, this.consecutiveFailures, this.failureRate,
				this.failureRateMinTasks, this.timeouts, this.unaccepted, this.staleReports);
		for (Override override : this.overrides) {
			if (override.appliesTo(labels)) {
				return override.over(defaults);
			}
		}
		return defaults;
	}

	/**
	 * What happens to the tasks a quarantined agent is running.
	 */
	public enum RunningTasks {

		/** They may finish; only new work stops. */
		FINISH,
		/** They are taken back and queued again for other agents. */
		REQUEUE

	}

	/**
	 * The thresholds in force for one agent.
	 *
	 * @param enabled whether the breaker trips for it
	 * @param consecutiveFailures failures in a row
	 * @param failureRate share of failures
	 * @param failureRateMinTasks tasks before the share counts
	 * @param timeouts timeouts in the window
	 * @param unaccepted unaccepted assignments in a row
	 * @param staleReports stale reports in the window
	 */
	record Thresholds(boolean enabled, int consecutiveFailures, double failureRate, int failureRateMinTasks,
			int timeouts, int unaccepted, int staleReports) {

	}

	/**
	 * Other thresholds for the agents carrying a label; what it leaves out stays as the
	 * defaults.
	 *
	 * @param label {@code key=value}
	 * @param enabled whether the breaker trips for them
	 * @param consecutiveFailures failures in a row
	 * @param failureRate share of failures
	 * @param failureRateMinTasks tasks before the share counts
	 * @param timeouts timeouts in the window
	 * @param unaccepted unaccepted assignments in a row
	 * @param staleReports stale reports in the window
	 */
	public record Override(String label, @Nullable Boolean enabled, @Nullable Integer consecutiveFailures,
			@Nullable Double failureRate, @Nullable Integer failureRateMinTasks, @Nullable Integer timeouts,
			@Nullable Integer unaccepted, @Nullable Integer staleReports) {

		boolean appliesTo(Map<String, String> labels) {
			int equals = this.label.indexOf('=');
			String key = (equals < 0) ? this.label : this.label.substring(0, equals);
			return (equals < 0) ? labels.containsKey(key) : this.label.substring(equals + 1).equals(labels.get(key));
		}

		Thresholds over(Thresholds defaults) {
			return new Thresholds(or(this.enabled, defaults.enabled()),
					or(this.consecutiveFailures, defaults.consecutiveFailures()),
					or(this.failureRate, defaults.failureRate()),
					or(this.failureRateMinTasks, defaults.failureRateMinTasks()),
					or(this.timeouts, defaults.timeouts()), or(this.unaccepted, defaults.unaccepted()),
					or(this.staleReports, defaults.staleReports()));
		}

		private static <T> T or(@Nullable T value, T fallback) {
			return (value != null) ? value : fallback;
		}

	}

}
