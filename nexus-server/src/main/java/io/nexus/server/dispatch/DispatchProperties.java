package io.nexus.server.dispatch;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Dispatch and agent-protocol settings ({@code nexus.dispatch.*}).
 *
 * @param heartbeatInterval how often agents send heartbeats (and Nexus pings them)
 * @param heartbeatTimeout silence after which a connection is considered dead and closed
 * @param reconnectGrace how long a disconnected agent keeps its tasks, waiting for it to
 * reconnect
 * @param ackTimeout how long an agent has to accept an assigned task
 * @param registerTimeout how long a new connection has to send {@code agent_register}
 * @param agingMinutes minutes of waiting that raise a task's priority by one step
 * @param batchSize how many tasks one dispatch round considers
 * @param reaperInterval how often timers are checked
 * @param maxFrameSize the largest frame an agent may send
 * @param maxViolations protocol errors after which a connection is closed
 * @param maxConnectionsPerAddress agent connections one remote address may hold open
 * @param clusterWakeups wake the dispatchers of other nodes through PostgreSQL
 * {@code NOTIFY}
 * @param threads dispatch rounds that may run at once on PostgreSQL, each claiming with
 * {@code FOR UPDATE SKIP LOCKED} (one on H2)
 * @param uncategorisedTasks which agents may run a task that requires no capability
 */
@ConfigurationProperties("nexus.dispatch")
public record DispatchProperties(@DefaultValue("10s") Duration heartbeatInterval,
		@DefaultValue("30s") Duration heartbeatTimeout, @DefaultValue("30s") Duration reconnectGrace,
		@DefaultValue("30s") Duration ackTimeout, @DefaultValue("10s") Duration registerTimeout,
		@DefaultValue("5") int agingMinutes, @DefaultValue("200") int batchSize,
		@DefaultValue("1s") Duration reaperInterval, @DefaultValue("512KB") DataSize maxFrameSize,
		@DefaultValue("20") int maxViolations, @DefaultValue("10000") int maxConnectionsPerAddress,
		@DefaultValue("true") boolean clusterWakeups, @DefaultValue("2") int threads,
		@DefaultValue("unrestricted-agents") UncategorisedTasks uncategorisedTasks) {

	/**
	 * Which agents may run a task that requires no capability (no category, or
	 * {@code required_capabilities: []}).
	 */
	public enum UncategorisedTasks {

		/**
		 * Only agents registered by an operator; agents enrolled with a key run only
		 * tasks within the key's capabilities.
		 */
		UNRESTRICTED_AGENTS,

		/** Every agent, those enrolled with a key included. */
		ALL_AGENTS

	}

}
