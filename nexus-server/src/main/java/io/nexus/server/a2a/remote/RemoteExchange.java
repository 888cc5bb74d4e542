package io.nexus.server.a2a.remote;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * One assignment sent to the remote agent, and what it answered so far.
 */
final class RemoteExchange {

	final String taskId;

	final long epoch;

	final Map<String, ObjectNode> artifacts = new LinkedHashMap<>();

	volatile @Nullable String remoteTaskId;

	volatile boolean accepted;

	volatile boolean finished;

	volatile boolean stopped;

	volatile boolean cancelRequested;

	volatile boolean cancelSent;

	volatile RemoteCalls.@Nullable Stream stream;

	volatile @Nullable ScheduledFuture<?> poll;

	RemoteExchange(String taskId, long epoch) {
		this.taskId = taskId;
		this.epoch = epoch;
	}

	String key() {
		return key(this.taskId, this.epoch);
	}

	static String key(String taskId, long epoch) {
		return taskId + "#" + epoch;
	}

	void stop() {
		this.stopped = true;
		RemoteCalls.Stream current = this.stream;
		if (current != null) {
			current.stop();
		}
		ScheduledFuture<?> polling = this.poll;
		if (polling != null) {
			polling.cancel(false);
		}
	}

}
