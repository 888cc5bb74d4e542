package io.nexus.server.dispatch;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentId;
import io.nexus.server.tasks.TaskId;
import org.jspecify.annotations.Nullable;

/**
 * A connected agent with what dispatch tracks in memory: its settings, the tasks it
 * holds, assignments it has not yet accepted, and its recent track record.
 */
public final class ConnectedAgent implements Contender {

	private final AgentChannel channel;

	private volatile Agent agent;

	private final AtomicInteger held = new AtomicInteger();

	private final Map<TaskId, Instant> awaitingAccept = new ConcurrentHashMap<>();

	/** Trace contexts of assignments sent on this connection; only when Nexus traces. */
	private final Map<TaskId, Assignment> traced = new ConcurrentHashMap<>();

	private volatile Instant lastSeen;

	private volatile double successRate = 1.0;

	private volatile boolean closing;

	private volatile double latencyMillis;

	private volatile @Nullable Double cpuUsage;

	private volatile @Nullable Double memoryUsage;

	ConnectedAgent(AgentChannel channel, Agent agent, int held, Instant now) {
		this.channel = channel;
		this.agent = agent;
		this.held.set(held);
		this.lastSeen = now;
		this.cpuUsage = agent.cpuUsage();
		this.memoryUsage = agent.memoryUsage();
	}

	public AgentId id() {
		return this.agent.id();
	}

	@Override
	public Agent agent() {
		return this.agent;
	}

	public AgentChannel channel() {
		return this.channel;
	}

	/**
	 * Replaces the agent's settings with those now stored.
	 * @param updated the agent as stored
	 */
	public void refresh(Agent updated) {
		this.agent = updated;
	}

	@Override
	public int held() {
		return this.held.get();
	}

	/**
	 * The agent said it is shutting down: this connection gets no new work. It lasts only
	 * as long as the connection, unlike an operator's drain.
	 */
	public void closing() {
		this.closing = true;
	}

	@Override
	public boolean isClosing() {
		return this.closing;
	}

	/**
	 * Reserves a slot if one is free.
	 * @return {@code true} if reserved
	 */
	boolean reserveSlot() {
		while (true) {
			int current = this.held.get();
			if (current >= this.agent.maxConcurrency()) {
				return false;
			}
			if (this.held.compareAndSet(current, current + 1)) {
				return true;
			}
		}
	}

	void addHeld() {
		this.held.incrementAndGet();
	}

	void releaseSlot() {
		this.held.updateAndGet((value) -> Math.max(0, value - 1));
	}

	void awaitAccept(TaskId taskId, Instant sentAt) {
		this.awaitingAccept.put(taskId, sentAt);
	}

	/**
	 * The agent accepted a task, or it was taken back: its acceptance clock stops.
	 * @param taskId the task
	 */
	public void accepted(TaskId taskId) {
		this.awaitingAccept.remove(taskId);
	}

	/**
	 * Remembers the trace context of an assignment until the agent reports on it.
	 * @param taskId the task
	 * @param traceparent the context sent in {@code task_assigned}
	 * @param sentAt when
	 */
	void traced(TaskId taskId, String traceparent, Instant sentAt) {
		// Assignments taken back (cancelled, timed out, reassigned) never get a report;
		// this bounds what they leave behind on a long-lived connection.
		if (this.traced.size() >= 64 + 4 * this.agent.maxConcurrency()) {
			this.traced.clear();
		}
		this.traced.put(taskId, new Assignment(traceparent, sentAt));
	}

	/**
	 * Forgets and returns the trace context of an assignment.
	 * @param taskId the task
	 * @return the context, or {@code null} if this connection did not trace it
	 */
	public @Nullable Assignment untraced(TaskId taskId) {
		return this.traced.isEmpty() ? null : this.traced.remove(taskId);
	}

	/**
	 * Stops the acceptance clock of an assignment if it still runs from {@code sentAt}:
	 * of the ack timer and the reaper, only one takes an assignment back.
	 * @param taskId the task
	 * @param sentAt when the assignment was sent
	 * @return whether the clock was still running
	 */
	boolean stopAcceptClock(TaskId taskId, Instant sentAt) {
		return this.awaitingAccept.remove(taskId, sentAt);
	}

	List<Map.Entry<TaskId, Instant>> unacceptedSince(Instant before) {
		return this.awaitingAccept.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().isBefore(before))
			.map((entry) -> Map.entry(entry.getKey(), entry.getValue()))
			.toList();
	}

	/**
	 * A sign of life: any frame or pong.
	 * @param now when
	 */
	public void touch(Instant now) {
		this.lastSeen = now;
	}

	Instant lastSeen() {
		return this.lastSeen;
	}

	/**
	 * Feeds an outcome into the moving success rate (weight 0.1 per outcome).
	 * @param success whether the task succeeded
	 */
	public void recordOutcome(boolean success) {
		this.successRate = this.successRate * 0.9 + (success ? 0.1 : 0.0);
	}

	@Override
	public boolean connected() {
		return true;
	}

	@Override
	public double successRate() {
		return this.successRate;
	}

	/**
	 * Feeds a heartbeat's round trip into the moving latency (weight 0.2).
	 * @param millis the round trip
	 */
	public void recordLatency(double millis) {
		this.latencyMillis = (this.latencyMillis == 0) ? millis : this.latencyMillis * 0.8 + millis * 0.2;
	}

	@Override
	public double latencyMillis() {
		return this.latencyMillis;
	}

	/**
	 * The resource use of the agent's latest heartbeat.
	 * @param cpu percent, or {@code null}
	 * @param memory percent, or {@code null}
	 */
	public void recordUsage(@Nullable Double cpu, @Nullable Double memory) {
		this.cpuUsage = cpu;
		this.memoryUsage = memory;
	}

	/**
	 * The CPU use the agent last reported in a heartbeat.
	 * @return percent, or {@code null} if it reported none
	 */
	public @Nullable Double cpuUsage() {
		return this.cpuUsage;
	}

	/**
	 * The memory use the agent last reported in a heartbeat.
	 * @return percent, or {@code null} if it reported none
	 */
	public @Nullable Double memoryUsage() {
		return this.memoryUsage;
	}

	/**
	 * The trace context of an assignment and when it was sent.
	 *
	 * @param traceparent the context in {@code task_assigned}
	 * @param sentAt when
	 */
	public record Assignment(String traceparent, Instant sentAt) {

	}

}
