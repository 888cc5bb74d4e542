package io.nexus.bench;

import tools.jackson.databind.JsonNode;

/**
 * The JSON of one benchmark task, and how a handler reads it back. The payload carries
 * the task's sequence number and the intended send time of its request.
 */
final class TaskBodies {

	static final String CAPABILITY = "bench";

	/** Brings a phase task's payload to about 100 bytes. */
	private static final String PAD = "x".repeat(38);

	private TaskBodies() {
	}

	static String task(long seq, long intendedNanos) {
		return "{\"title\":\"bench " + seq + "\",\"category\":\"" + CAPABILITY + "\",\"payload\":{\"sent_at_nanos\":"
				+ intendedNanos + ",\"seq\":" + seq + "}}";
	}

	/**
	 * A task of a closed-loop phase. Its payload is about 100 bytes of JSON, like the
	 * peer queues' {@code {ph, seq, t0, pad}}.
	 * @param phase the phase it belongs to
	 * @param seq its number within the phase
	 * @param sentAtNanos when its create request was sent
	 * @return the task's JSON
	 */
	static String phaseTask(int phase, long seq, long sentAtNanos) {
		return "{\"title\":\"bench " + phase + "/" + seq + "\",\"category\":\"" + CAPABILITY + "\",\"payload\":{\"ph\":"
				+ phase + ",\"seq\":" + seq + ",\"sent_at_nanos\":" + sentAtNanos + ",\"pad\":\"" + PAD + "\"}}";
	}

	static long seq(JsonNode payload) {
		return payload.path("seq").asLong(-1);
	}

	static long sentAtNanos(JsonNode payload) {
		return payload.path("sent_at_nanos").asLong(0);
	}

}
