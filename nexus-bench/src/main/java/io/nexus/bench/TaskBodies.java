package io.nexus.bench;

import tools.jackson.databind.JsonNode;

/**
 * The JSON of one benchmark task, and how a handler reads it back. The payload carries
 * the task's sequence number and the intended send time of its request.
 */
final class TaskBodies {

	static final String CAPABILITY = "bench";

	private TaskBodies() {
	}

	static String task(long seq, long intendedNanos) {
		return "{\"title\":\"bench " + seq + "\",\"category\":\"" + CAPABILITY + "\",\"payload\":{\"sent_at_nanos\":"
				+ intendedNanos + ",\"seq\":" + seq + "}}";
	}

	static long seq(JsonNode payload) {
		return payload.path("seq").asLong(-1);
	}

	static long sentAtNanos(JsonNode payload) {
		return payload.path("sent_at_nanos").asLong(0);
	}

}
