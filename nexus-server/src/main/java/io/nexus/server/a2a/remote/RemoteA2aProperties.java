package io.nexus.server.a2a.remote;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of remote A2A agents ({@code nexus.a2a.remote.*}, docs/configuration.md).
 *
 * @param allowedNetworks networks (CIDR) whose addresses card and agent URLs may point at
 * although they are not public (loopback, private ranges); the webhook address rules
 * apply otherwise
 * @param cardRefreshInterval how often the node that holds a remote agent fetches its
 * card again (with {@code If-None-Match}); each answer is a heartbeat of the agent
 * @param maxFailures consecutive failed card fetches after which the agent goes offline
 * @param connectTimeout how long connecting to a remote agent may take
 * @param callTimeout how long a call (card, {@code SendMessage}, {@code GetTask},
 * {@code CancelTask}) may take, and how long a stream may wait for its first answer
 * @param pollInterval how often {@code GetTask} asks a remote agent without streaming how
 * its task is going
 * @param threads the threads of the HTTP client all remote calls share (and no other
 * work)
 * @param maxResponseBytes the largest card, answer or stream event read from a remote
 * agent
 * @param claimTtl how long a node's claim on a remote agent lasts without renewal
 * (renewed every second); after it another node takes the agent over
 */
@ConfigurationProperties("nexus.a2a.remote")
@Validated
record RemoteA2aProperties(@DefaultValue List<String> allowedNetworks,
		@DefaultValue("10s") Duration cardRefreshInterval, @DefaultValue("3") @Min(1) @Max(100) int maxFailures,
		@DefaultValue("5s") Duration connectTimeout, @DefaultValue("10s") Duration callTimeout,
		@DefaultValue("2s") Duration pollInterval, @DefaultValue("8") @Min(1) @Max(256) int threads,
		@DefaultValue("1048576") @Min(1024) int maxResponseBytes, @DefaultValue("30s") Duration claimTtl) {

}
