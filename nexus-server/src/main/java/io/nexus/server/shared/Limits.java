package io.nexus.server.shared;

/**
 * The explicit limits of the API, in one place so that the documentation and the code
 * agree. See {@code docs/api.md}.
 */
public final class Limits {

	/** Shape of a capability or category name: {@code frontend}, {@code gpu.a100}. */
	public static final String NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$";

	/** A fair-share key: like a name, up to 128 characters. */
	public static final String FAIRNESS_KEY_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.:/@-]{0,127}$";

	/** Shape of a label key. */
	public static final String LABEL_KEY_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$";

	/** Longest title or agent name. */
	public static final int MAX_TITLE = 200;

	/** Longest task description. */
	public static final int MAX_DESCRIPTION = 10_000;

	/** Most capabilities an agent may have or a task may require. */
	public static final int MAX_CAPABILITIES = 32;

	/** Most labels on an agent. */
	public static final int MAX_LABELS = 32;

	/** Longest label value. */
	public static final int MAX_LABEL_VALUE = 256;

	/** Most dependencies of one task. */
	public static final int MAX_DEPENDENCIES = 100;

	/** Largest task payload or result, as serialized JSON. */
	public static final int MAX_PAYLOAD_BYTES = 256 * 1024;

	/** Deepest nesting of any JSON document the API accepts. */
	public static final int MAX_JSON_DEPTH = 64;

	/** Longest duration in minutes (one year). */
	public static final int MAX_DURATION_MINUTES = 525_600;

	/** Longest task timeout in seconds (seven days). */
	public static final int MAX_TIMEOUT_SECONDS = 604_800;

	/** Most attempts a task may have. */
	public static final int MAX_ATTEMPTS = 100;

	/** Longest idempotency key. */
	public static final int MAX_IDEMPOTENCY_KEY = 200;

	/** Longest reason text. */
	public static final int MAX_REASON = 500;

	/** Most tasks in one batch. */
	public static final int MAX_BATCH = 1_000;

	/** Highest agent priority score. */
	public static final int MAX_PRIORITY_SCORE = 1_000;

	/** Highest agent concurrency. */
	public static final int MAX_CONCURRENCY = 1_000;

	private Limits() {
	}

}
