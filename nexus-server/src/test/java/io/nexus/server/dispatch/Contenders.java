package io.nexus.server.dispatch;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.nexus.protocol.AgentStatus;
import io.nexus.protocol.TaskPriority;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentQuarantine;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import org.jspecify.annotations.Nullable;

/**
 * Fixture builders for eligibility tests: agents as dispatch sees them and queued tasks,
 * without a database.
 */
final class Contenders {

	static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

	private String id;

	private List<String> capabilities = List.of();

	private AgentStatus status = AgentStatus.ACTIVE;

	private int priorityScore;

	private int maxConcurrency = 1;

	private int held;

	private boolean closing;

	private boolean connected = true;

	private double successRate = 1.0;

	private double latencyMillis;

	private @Nullable List<String> enrollmentScope;

	private @Nullable AgentQuarantine quarantine;

	private Contenders(String id) {
		this.id = id;
	}

	static Contenders anAgent(String id) {
		return new Contenders(id);
	}

	Contenders withCapabilities(String... capabilities) {
		this.capabilities = List.of(capabilities).stream().sorted().toList();
		return this;
	}

	Contenders in(AgentStatus status) {
		this.status = status;
		return this;
	}

	Contenders withPriorityScore(int score) {
		this.priorityScore = score;
		return this;
	}

	Contenders holding(int held, int of) {
		this.held = held;
		this.maxConcurrency = of;
		return this;
	}

	Contenders closing() {
		this.closing = true;
		return this;
	}

	Contenders offline() {
		this.connected = false;
		return this;
	}

	Contenders succeeding(double rate) {
		this.successRate = rate;
		return this;
	}

	Contenders enrolledWithKeyFor(String... capabilities) {
		this.enrollmentScope = List.of(capabilities);
		return this;
	}

	Contenders quarantined(AgentQuarantine quarantine) {
		this.quarantine = quarantine;
		return this;
	}

	Contenders withLatency(double millis) {
		this.latencyMillis = millis;
		return this;
	}

	Contender build() {
		Agent agent = new Agent(new AgentId(this.id), this.id, this.status, this.capabilities, this.priorityScore,
				this.maxConcurrency, Map.of(), this.connected, null, null, NOW, NOW, NOW, 1, this.enrollmentScope,
				this.quarantine);
		return new Contender.Stored(agent, this.held, this.closing, this.connected, this.successRate,
				this.latencyMillis);
	}

	static Task aTask(String... capabilities) {
		return aTask(null, capabilities);
	}

	/**
	 * A queued task; with {@code notBefore}, one that waits for its retry backoff after a
	 * first attempt.
	 */
	static Task aTask(@Nullable Instant notBefore, String... capabilities) {
		return aTask(notBefore, (notBefore != null) ? 1 : 0, capabilities);
	}

	/**
	 * A queued task created with {@code run_at}, not tried yet.
	 */
	static Task aScheduledTask(Instant runAt, String... capabilities) {
		return aTask(runAt, 0, capabilities);
	}

	private static Task aTask(@Nullable Instant notBefore, int attempts, String... capabilities) {
		return new Task(new TaskId("t1"), "t1", null, TaskPriority.MEDIUM, null, TaskStatus.QUEUED, null,
				List.of(capabilities), List.of(), null, null, null, null, 3, attempts, 3600, null, null, 0, null,
				"admin", NOW, NOW, NOW, null, null, null, notBefore, null, null, null, null, null, null, 1, List.of());
	}

}
