package io.nexus.server.tasks;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long tasks wait for a person's input ({@code nexus.tasks.input-*}).
 *
 * @param inputTimeoutDefault how long a task waits for an answer when its agent's
 * {@code input_request} names no {@code timeout_seconds}
 * @param inputTimeoutMax the longest wait an agent may ask for; a longer
 * {@code timeout_seconds} is cut to it
 * @param inputSweepInterval how often each node ends the waits whose input timeout passed
 */
@ConfigurationProperties("nexus.tasks")
@Validated
public record InputProperties(@DefaultValue("24h") Duration inputTimeoutDefault,
		@DefaultValue("7d") Duration inputTimeoutMax, @DefaultValue("5s") Duration inputSweepInterval) {

	/**
	 * The wait for one question.
	 * @param requestedSeconds what the agent asked for, if anything
	 * @return the default if none, else the request cut to the maximum
	 */
	public Duration timeoutFor(@Nullable Integer requestedSeconds) {
		Duration wanted = (requestedSeconds != null) ? Duration.ofSeconds(requestedSeconds) : this.inputTimeoutDefault;
		return (wanted.compareTo(this.inputTimeoutMax) > 0) ? this.inputTimeoutMax : wanted;
	}

}
