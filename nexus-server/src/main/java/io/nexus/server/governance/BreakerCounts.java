package io.nexus.server.governance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

import io.nexus.server.agents.AgentQuarantine.Reason;
import io.nexus.server.dispatch.AgentSignal;
import io.nexus.server.governance.QuarantineProperties.Thresholds;
import io.nexus.server.tasks.TaskId;
import org.jspecify.annotations.Nullable;

/**
 * What one node counted of one agent since its breaker last tripped or closed, and
 * whether a signal trips it. Not thread-safe: {@link AgentBreaker} guards each with its
 * monitor.
 */
final class BreakerCounts {

	/** Signals kept as the evidence of a quarantine. */
	static final int EVIDENCE = 10;

	/** Outcomes kept for the failure rate. */
	static final int OUTCOMES = 200;

	private int failuresInRow;

	private int unacceptedInRow;

	private final ArrayDeque<Instant> outcomesAt = new ArrayDeque<>();

	private final ArrayDeque<Boolean> outcomes = new ArrayDeque<>();

	private final ArrayDeque<Instant> timeouts = new ArrayDeque<>();

	private final ArrayDeque<Instant> staleReports = new ArrayDeque<>();

	private final ArrayDeque<Seen> recent = new ArrayDeque<>();

	/**
	 * Counts one signal.
	 * @param signal what the agent did
	 * @param task the task concerned
	 * @param now when
	 * @param limits the agent's thresholds
	 * @param window the window of the rate and of the timeout and stale-report counts
	 * @param ackTimeout the ack timeout, for the words of a zombie's trip
	 * @return what tripped the breaker, or {@code null} if nothing did
	 */
	@Nullable Trip record(AgentSignal signal, TaskId task, Instant now, Thresholds limits, Duration window, Duration ackTimeout) {
		if (signal != AgentSignal.ACCEPTED && signal != AgentSignal.SUCCEEDED) {
			if (this.recent.size() == EVIDENCE) {
				this.recent.removeFirst();
			}
			this.recent.addLast(new Seen(signal, task, now));
		}
		Instant since = now.minus(window);
		switch (signal) {
			case ACCEPTED -> this.unacceptedInRow = 0;
			case NOT_ACCEPTED -> {
				this.unacceptedInRow++;
				if (limits.unaccepted() > 0 && this.unacceptedInRow >= limits.unaccepted()) {
					return trip(Reason.ZOMBIE, this.unacceptedInRow + " assignment(s) in a row not accepted within "
							+ ackTimeout.toSeconds() + "s while it kept sending heartbeats");
				}
			}
			case SUCCEEDED, FAILED -> {
				boolean failed = signal == AgentSignal.FAILED;
				this.failuresInRow = failed ? this.failuresInRow + 1 : 0;
				if (limits.consecutiveFailures() > 0 && this.failuresInRow >= limits.consecutiveFailures()) {
					return trip(Reason.CONSECUTIVE_FAILURES, this.failuresInRow + " failed task(s) in a row");
				}
				if (limits.failureRateMinTasks() > 0 && limits.failureRate() > 0) {
					return outcome(failed, now, since, limits, window);
				}
			}
			case TIMED_OUT -> {
				if (limits.timeouts() > 0 && within(this.timeouts, now, since) >= limits.timeouts()) {
					return trip(Reason.TIMEOUTS, this.timeouts.size() + " task(s) ran past their timeout within "
							+ window.toMinutes() + " min");
				}
			}
			case STALE_REPORT -> {
				if (limits.staleReports() > 0 && within(this.staleReports, now, since) >= limits.staleReports()) {
					return trip(Reason.STALE_REPORTS, this.staleReports.size()
							+ " report(s) on leases it no longer held within " + window.toMinutes() + " min");
				}
			}
		}
		return null;
	}

	private @Nullable Trip outcome(boolean failed, Instant now, Instant since, Thresholds limits, Duration window) {
		if (this.outcomes.size() == OUTCOMES) {
			this.outcomes.removeFirst();
			this.outcomesAt.removeFirst();
		}
		this.outcomes.addLast(failed);
		this.outcomesAt.addLast(now);
		while (!this.outcomesAt.isEmpty() && this.outcomesAt.peekFirst().isBefore(since)) {
			this.outcomesAt.removeFirst();
			this.outcomes.removeFirst();
		}
		int total = this.outcomes.size();
		if (total < limits.failureRateMinTasks()) {
			return null;
		}
		long failures = this.outcomes.stream().filter(Boolean::booleanValue).count();
		if (failures >= Math.ceil(limits.failureRate() * total)) {
			return trip(Reason.FAILURE_RATE, failures + " of the last " + total + " task(s) within "
					+ window.toMinutes() + " min failed (threshold " + Math.round(limits.failureRate() * 100) + "%)");
		}
		return null;
	}

	private static int within(ArrayDeque<Instant> times, Instant now, Instant since) {
		times.addLast(now);
		while (!times.isEmpty() && times.peekFirst().isBefore(since)) {
			times.removeFirst();
		}
		return times.size();
	}

	private Trip trip(Reason reason, String detail) {
		return new Trip(reason, detail, List.copyOf(this.recent));
	}

	/**
	 * One signal, kept as evidence.
	 */
	record Seen(AgentSignal signal, TaskId task, Instant at) {

	}

	/**
	 * What tripped the breaker.
	 */
	record Trip(Reason reason, String detail, List<Seen> evidence) {

	}

}
