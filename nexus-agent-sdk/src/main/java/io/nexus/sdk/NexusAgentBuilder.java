package io.nexus.sdk;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Configures a {@link NexusAgent}. Required: {@link #serverUri(URI)}, {@link #agentId},
 * one of {@link #token} or {@link #enrollmentKey}, and {@link #handler}.
 */
public final class NexusAgentBuilder {

	private List<URI> serverUris = List.of();

	private @Nullable String token;

	private @Nullable String enrollmentKey;

	private @Nullable String agentId;

	private @Nullable String name;

	private List<String> capabilities = List.of();

	private int maxConcurrency = 1;

	private @Nullable TaskHandler handler;

	private Duration initialBackoff = Duration.ofSeconds(1);

	private Duration maxBackoff = Duration.ofSeconds(30);

	private Duration drainTimeout = Duration.ofSeconds(30);

	private Duration connectTimeout = Duration.ofSeconds(10);

	private Duration registrationTimeout = Duration.ofSeconds(30);

	private JsonMapper dataMapper = JsonMapper.builder().build();

	NexusAgentBuilder() {
	}

	/**
	 * The WebSocket endpoint.
	 * @param serverUri such as {@code ws://localhost:4100/ws} ({@code wss://} behind TLS)
	 * @return this builder
	 */
	public NexusAgentBuilder serverUri(URI serverUri) {
		return serverUris(List.of(serverUri));
	}

	/**
	 * The WebSocket endpoints of several Nexus nodes (or gateways). The agent connects to
	 * the first; when a connection is lost or cannot be made it moves on to the next one
	 * (round robin, with the reconnection backoff), registers there with the leases it
	 * still holds and resumes its running tasks.
	 * @param serverUris such as {@code ws://node-a:4100/ws}, {@code ws://node-b:4100/ws}
	 * @return this builder
	 */
	public NexusAgentBuilder serverUris(List<URI> serverUris) {
		this.serverUris = List.copyOf(serverUris);
		return this;
	}

	/**
	 * The WebSocket endpoints of several Nexus nodes; see {@link #serverUris(List)}.
	 * @param serverUris the endpoints
	 * @return this builder
	 */
	public NexusAgentBuilder serverUris(URI... serverUris) {
		return serverUris(List.of(serverUris));
	}

	/**
	 * The agent token issued by {@code POST /api/agents} ({@code nxa_...}).
	 * @param token the token
	 * @return this builder
	 */
	public NexusAgentBuilder token(String token) {
		this.token = token;
		return this;
	}

	/**
	 * An enrollment key: the agent registers itself and Nexus issues a token, which the
	 * agent uses on every reconnection (see {@link NexusAgent#issuedToken()}).
	 * @param enrollmentKey the key
	 * @return this builder
	 */
	public NexusAgentBuilder enrollmentKey(String enrollmentKey) {
		this.enrollmentKey = enrollmentKey;
		return this;
	}

	/**
	 * The agent's id (the one its token was issued for).
	 * @param agentId the id
	 * @return this builder
	 */
	public NexusAgentBuilder agentId(String agentId) {
		this.agentId = agentId;
		return this;
	}

	/**
	 * A human name; defaults to the id.
	 * @param name the name
	 * @return this builder
	 */
	public NexusAgentBuilder name(String name) {
		this.name = name;
		return this;
	}

	/**
	 * What the agent can do; tasks that require other capabilities never reach it.
	 * @param capabilities the capabilities
	 * @return this builder
	 */
	public NexusAgentBuilder capabilities(String... capabilities) {
		this.capabilities = List.of(capabilities);
		return this;
	}

	/**
	 * How many tasks run at once (the size of the worker pool); default 1.
	 * @param maxConcurrency 1 to 1000
	 * @return this builder
	 */
	public NexusAgentBuilder maxConcurrency(int maxConcurrency) {
		this.maxConcurrency = maxConcurrency;
		return this;
	}

	/**
	 * The work to do for each task.
	 * @param handler the handler
	 * @return this builder
	 */
	public NexusAgentBuilder handler(TaskHandler handler) {
		this.handler = handler;
		return this;
	}

	/**
	 * Delays between reconnection attempts: exponential from {@code initial} up to
	 * {@code max}, with full jitter. Default 1 s to 30 s.
	 * @param initial the ceiling of the first delay
	 * @param max the largest ceiling
	 * @return this builder
	 */
	public NexusAgentBuilder reconnectBackoff(Duration initial, Duration max) {
		this.initialBackoff = initial;
		this.maxBackoff = max;
		return this;
	}

	/**
	 * How long {@link NexusAgent#close()} waits for running tasks; default 30 s.
	 * @param drainTimeout the timeout
	 * @return this builder
	 */
	public NexusAgentBuilder drainTimeout(Duration drainTimeout) {
		this.drainTimeout = drainTimeout;
		return this;
	}

	/**
	 * How long a WebSocket handshake may take; default 10 s.
	 * @param connectTimeout the timeout
	 * @return this builder
	 */
	public NexusAgentBuilder connectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
		return this;
	}

	/**
	 * How long Nexus may take to answer {@code agent_register} before the agent drops the
	 * connection and tries again; default 30 s.
	 * @param registrationTimeout the timeout
	 * @return this builder
	 */
	public NexusAgentBuilder registrationTimeout(Duration registrationTimeout) {
		this.registrationTimeout = registrationTimeout;
		return this;
	}

	/**
	 * The mapper for payloads ({@link TaskContext#payloadAs}), results and message
	 * bodies; default a plain {@link JsonMapper} (field names unchanged).
	 * @param dataMapper the mapper
	 * @return this builder
	 */
	public NexusAgentBuilder dataMapper(JsonMapper dataMapper) {
		this.dataMapper = dataMapper;
		return this;
	}

	/**
	 * Creates the agent (not yet started).
	 * @return the agent
	 * @throws IllegalStateException if the configuration is incomplete or invalid
	 */
	public NexusAgent build() {
		return new NexusAgent(settings());
	}

	AgentSettings settings() {
		if (this.serverUris.isEmpty()) {
			throw new IllegalStateException("serverUri is required");
		}
		for (URI uri : this.serverUris) {
			if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme())) {
				throw new IllegalStateException("serverUri must be ws:// or wss://, got " + uri);
			}
		}
		if ((this.token == null) == (this.enrollmentKey == null)) {
			throw new IllegalStateException("Set exactly one of token and enrollmentKey");
		}
		String id = require(this.agentId, "agentId");
		if (this.maxConcurrency < 1 || this.maxConcurrency > 1000) {
			throw new IllegalStateException("maxConcurrency must be 1 to 1000, got " + this.maxConcurrency);
		}
		requirePositive(this.drainTimeout, "drainTimeout", true);
		requirePositive(this.connectTimeout, "connectTimeout", false);
		requirePositive(this.registrationTimeout, "registrationTimeout", false);
		Backoff backoff;
		try {
			backoff = new Backoff(require(this.initialBackoff, "initial backoff"),
					require(this.maxBackoff, "max backoff"));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
		return new AgentSettings(this.serverUris, this.token, this.enrollmentKey, id,
				(this.name != null) ? this.name : id, this.capabilities, this.maxConcurrency,
				require(this.handler, "handler"), backoff, this.drainTimeout, this.connectTimeout,
				this.registrationTimeout, Objects.requireNonNull(this.dataMapper, "dataMapper"));
	}

	private static <T> T require(@Nullable T value, String name) {
		if (value == null) {
			throw new IllegalStateException(name + " is required");
		}
		return value;
	}

	private static void requirePositive(@Nullable Duration duration, String name, boolean zeroAllowed) {
		if (duration == null || duration.isNegative() || (!zeroAllowed && duration.isZero())) {
			throw new IllegalStateException(name + " must be " + (zeroAllowed ? "zero or more" : "positive"));
		}
	}

}
