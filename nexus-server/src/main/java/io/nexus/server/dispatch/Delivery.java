package io.nexus.server.dispatch;

import java.time.Clock;

import io.nexus.protocol.frames.TaskAssigned;
import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Sends an assigned task to its agent and starts the acceptance clock.
 */
@Component
class Delivery {

	private final JsonMapper json;

	private final Clock clock;

	Delivery(JsonMapper json, Clock clock) {
		this.json = json;
		this.clock = clock;
	}

	void deliver(ConnectedAgent agent, Task task) {
		agent.awaitAccept(task.id(), this.clock.instant());
		agent.channel()
			.send(new TaskAssigned(TaskAssigned.TYPE, task.id().value(), task.leaseEpoch(), task.attempts(),
					task.title(), task.description(), task.priority().wireName(), task.category(),
					task.requiredCapabilities(), parse(task.payloadJson()), task.timeoutSeconds(), null));
	}

	@Nullable Object parse(@Nullable String jsonText) {
		return (jsonText != null) ? this.json.readValue(jsonText, Object.class) : null;
	}

}
