package io.nexus.server.mcp;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.nexus.server.agents.Agent;
import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * What tools and resources show of tasks and agents: the fields of the REST API's answers
 * that an operator reasons about, in the same snake_case.
 */
@Component
class McpViews {

	private final JsonMapper json;

	McpViews(JsonMapper json) {
		this.json = json;
	}

	TaskView task(Task task) {
		return new TaskView(task.id().value(), task.title(), task.description(), task.status().wireName(),
				task.statusReason(), task.priority().wireName(), task.category(), task.requiredCapabilities(),
				(task.assignedAgent() != null) ? task.assignedAgent().value() : null, task.attempts(),
				task.maxAttempts(), task.timeoutSeconds(), task.progress(), task.progressMessage(), task.fairnessKey(),
				task.createdBy(), task.createdAt(), task.updatedAt(), task.startedAt(), task.finishedAt(),
				parse(task.payloadJson()), parse(task.resultJson()));
	}

	AgentView agent(Agent agent) {
		return new AgentView(agent.id().value(), agent.name(), agent.status().wireName(), agent.online(),
				agent.capabilities(), agent.labels(), agent.maxConcurrency(), agent.priorityScore(), agent.cpuUsage(),
				agent.memoryUsage(), agent.lastSeenAt(), agent.quarantine() != null, agent.createdAt());
	}

	private @Nullable JsonNode parse(@Nullable String text) {
		if (text == null) {
			return null;
		}
		try {
			return this.json.readTree(text);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/**
	 * A task as tools show it.
	 *
	 * @param id its id
	 * @param title its title
	 * @param description what to do
	 * @param status its state
	 * @param statusReason why it is in that state
	 * @param priority its priority
	 * @param category its category
	 * @param requiredCapabilities what an agent must offer
	 * @param agentId the agent it is assigned to
	 * @param attempts tries so far
	 * @param maxAttempts tries allowed
	 * @param timeoutSeconds how long one try may run
	 * @param progress the last reported progress, 0-100
	 * @param progressMessage the last progress message
	 * @param fairnessKey who it is for in fair share
	 * @param createdBy who created it
	 * @param createdAt when
	 * @param updatedAt when it last changed
	 * @param startedAt when its agent started it
	 * @param finishedAt when it ended
	 * @param payload its input
	 * @param result its result
	 */
	record TaskView(String id, String title, @Nullable String description, String status, @Nullable String statusReason,
			String priority, @Nullable String category, List<String> requiredCapabilities, @Nullable String agentId,
			int attempts, int maxAttempts, int timeoutSeconds, @Nullable Double progress,
			@Nullable String progressMessage, @Nullable String fairnessKey, String createdBy, Instant createdAt,
			Instant updatedAt, @Nullable Instant startedAt, @Nullable Instant finishedAt, @Nullable JsonNode payload,
			@Nullable JsonNode result) {

	}

	/**
	 * An agent as tools show it.
	 *
	 * @param id its id
	 * @param name its name
	 * @param status active, busy, paused, draining...
	 * @param online whether it holds a connection now
	 * @param capabilities what it can do
	 * @param labels its labels
	 * @param maxConcurrency how many tasks it runs at once
	 * @param priorityScore its priority in the choice of agents
	 * @param cpuUsage its last reported CPU use, percent
	 * @param memoryUsage its last reported memory use, percent
	 * @param lastSeenAt when it was last heard from
	 * @param quarantined whether it is quarantined
	 * @param createdAt when it registered
	 */
	record AgentView(String id, String name, String status, boolean online, List<String> capabilities,
			Map<String, String> labels, int maxConcurrency, int priorityScore, @Nullable Double cpuUsage,
			@Nullable Double memoryUsage, @Nullable Instant lastSeenAt, boolean quarantined, Instant createdAt) {

	}

}
