package io.nexus.server.a2a.remote;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Every HTTP call to remote A2A agents: card fetches, JSON-RPC calls and streams, on one
 * HTTP client with a bounded pool of its own (and a bounded queue), connect and call
 * timeouts, and a size limit on everything read, so that a slow or flooding remote agent
 * holds none of the threads that dispatch or serve requests. Each call is timed
 * ({@code nexus.a2a.remote.calls}).
 */
@Component
class RemoteCalls {

	private static final Logger logger = LoggerFactory.getLogger(RemoteCalls.class);

	/** The A2A version Nexus speaks to remote agents. */
	static final String VERSION = "1.0";

	private final HttpClient http;

	private final ThreadPoolExecutor executor;

	private final RemoteA2aProperties properties;

	private final JsonMapper json;

	private final MeterRegistry meters;

	private final AtomicLong ids = new AtomicLong();

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "a2a-remote-timer");
		thread.setDaemon(true);
		return thread;
	});

	RemoteCalls(RemoteA2aProperties properties, JsonMapper json, MeterRegistry meters) {
		this.properties = properties;
		this.json = json;
		this.meters = meters;
		AtomicInteger threads = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(properties.threads(), properties.threads(), 60, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(10_000), (runnable) -> {
					Thread thread = new Thread(runnable, "a2a-remote-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.executor.allowCoreThreadTimeOut(true);
		this.http = HttpClient.newBuilder()
			.executor(this.executor)
			.connectTimeout(properties.connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/**
	 * Runs work on the pool of remote calls after the poll interval.
	 * @param work the work
	 * @return the scheduled work, to cancel
	 */
	ScheduledFuture<?> schedule(Runnable work) {
		return schedule(work, this.properties.pollInterval());
	}

	/**
	 * Runs work on the pool of remote calls after a delay.
	 * @param work the work
	 * @param delay the delay
	 * @return the scheduled work, to cancel
	 */
	ScheduledFuture<?> schedule(Runnable work, Duration delay) {
		return this.timer.schedule(() -> run(work), delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	@PreDestroy
	void stop() {
		this.timer.shutdownNow();
		this.executor.shutdownNow();
	}

	/**
	 * Runs work on the pool of remote calls.
	 * @param work the work
	 */
	void run(Runnable work) {
		try {
			this.executor.execute(work);
		}
		catch (RejectedExecutionException ex) {
			// the queue is full (or the node stops): the work is dropped, never run on
			// the
			// caller's thread; an assignment not answered is taken back by the ack
			// timeout
			logger.warn("Dropped a call to a remote A2A agent: {} calls wait already", this.executor.getQueue().size());
		}
	}

	/**
	 * Fetches a card, with {@code If-None-Match} when an ETag is known.
	 * @param url the card URL
	 * @param etag the cached card's ETag, or {@code null}
	 * @return the answer: a new card, or not modified
	 */
	CompletableFuture<CardAnswer> fetchCard(URI url, @Nullable String etag) {
		HttpRequest.Builder request = HttpRequest.newBuilder(url)
			.timeout(this.properties.callTimeout())
			.header("Accept", "application/json")
			.header("A2A-Version", VERSION)
			.GET();
		if (etag != null) {
			request.header("If-None-Match", etag);
		}
		long started = System.nanoTime();
		return timed("card", this.http.sendAsync(request.build(), (info) -> limited()).thenApply((response) -> {
			long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			if (response.statusCode() == 304 && etag != null) {
				return new CardAnswer(null, etag, latency);
			}
			if (response.statusCode() != 200) {
				throw new RemoteCallException("the card URL answered HTTP " + response.statusCode());
			}
			JsonNode card = parse(response.body(), "the card is not JSON");
			return new CardAnswer(card, response.headers().firstValue("ETag").orElse(null), latency);
		}));
	}

	/**
	 * Calls a JSON-RPC method and returns its result.
	 * @param url the JSON-RPC URL
	 * @param method the A2A method
	 * @param params its params
	 * @param authorization the {@code Authorization} value to send, or {@code null}
	 * @return the result, or a failure with {@link RemoteCallException}
	 */
	CompletableFuture<JsonNode> call(URI url, String method, ObjectNode params, @Nullable String authorization) {
		HttpRequest request = rpc(url, method, params, authorization, "application/json").build();
		return timed(method, this.http.sendAsync(request, (info) -> limited()).thenApply((response) -> {
			if (response.statusCode() != 200) {
				throw new RemoteCallException(method + " answered HTTP " + response.statusCode()
						+ rpcError(response.body()).map((error) -> ": " + error).orElse(""));
			}
			return result(parse(response.body(), method + " answered with something that is not JSON"), method);
		}));
	}

	/**
	 * Calls a streaming JSON-RPC method: each event's result goes to {@code events} as it
	 * arrives, on a thread of the pool, one at a time.
	 * @param url the JSON-RPC URL
	 * @param method the A2A method
	 * @param params its params
	 * @param authorization the {@code Authorization} value, or {@code null}
	 * @param events receives each event's result
	 * @return the stream, to stop; its future completes when the stream ends (failing
	 * with {@link RemoteCallException} for an error answer or garbage)
	 */
	Stream stream(URI url, String method, ObjectNode params, @Nullable String authorization,
			Consumer<JsonNode> events) {
		HttpRequest request = rpc(url, method, params, authorization, "text/event-stream").build();
		Stream stream = new Stream(method, events);
		CompletableFuture<HttpResponse<Void>> sent = this.http.sendAsync(request, (info) -> {
			String type = info.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
			if (info.statusCode() == 200 && type.startsWith("text/event-stream")) {
				return HttpResponse.BodySubscribers.fromLineSubscriber(stream);
			}
			return HttpResponse.BodySubscribers.mapping(limited(), (body) -> {
				if (info.statusCode() == 200) {
					// a server may answer a stream request with one JSON-RPC response
					stream.event(parse(body, method + " answered with something that is not JSON"));
					return null;
				}
				throw new RemoteCallException(method + " answered HTTP " + info.statusCode()
						+ rpcError(body).map((error) -> ": " + error).orElse(""));
			});
		});
		timed(method, sent).whenComplete((response, failure) -> stream.end(failure));
		return stream;
	}

	private HttpRequest.Builder rpc(URI url, String method, ObjectNode params, @Nullable String authorization,
			String accept) {
		ObjectNode body = this.json.createObjectNode();
		body.put("jsonrpc", "2.0");
		body.put("id", "nexus-" + this.ids.incrementAndGet());
		body.put("method", method);
		body.set("params", params);
		HttpRequest.Builder request = HttpRequest.newBuilder(url)
			.timeout(this.properties.callTimeout())
			.header("Content-Type", "application/json")
			.header("Accept", accept)
			.header("A2A-Version", VERSION)
			.POST(HttpRequest.BodyPublishers.ofByteArray(this.json.writeValueAsBytes(body)));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return request;
	}

	private JsonNode result(JsonNode response, String method) {
		JsonNode error = response.get("error");
		if (error != null && !error.isNull()) {
			throw new RemoteCallException(method + " failed: " + describe(error));
		}
		JsonNode result = response.get("result");
		if (result == null || !result.isObject()) {
			throw new RemoteCallException(method + " answered without a result object");
		}
		return result;
	}

	private Optional<String> rpcError(byte[] body) {
		try {
			JsonNode error = this.json.readTree(body).get("error");
			return (error != null && error.isObject()) ? Optional.of(describe(error)) : Optional.empty();
		}
		catch (JacksonException ex) {
			return Optional.empty();
		}
	}

	private static String describe(JsonNode error) {
		return "error " + error.path("code").asString("?") + " " + error.path("message").asString("");
	}

	private JsonNode parse(byte[] body, String failure) {
		try {
			return this.json.readTree(body);
		}
		catch (JacksonException ex) {
			throw new RemoteCallException(failure);
		}
	}

	private <T> CompletableFuture<T> timed(String method, CompletableFuture<T> call) {
		Timer.Sample sample = Timer.start(this.meters);
		return call.whenComplete((result,
				failure) -> sample.stop(Timer.builder("nexus.a2a.remote.calls")
					.description("Calls to remote A2A agents, by method and outcome")
					.tag("method", method)
					.tag("outcome", (failure == null) ? "ok" : "error")
					.register(this.meters)));
	}

	private HttpResponse.BodySubscriber<byte[]> limited() {
		return new LimitedBody(this.properties.maxResponseBytes());
	}

	/**
	 * A card fetched, or confirmed unchanged.
	 *
	 * @param card the new card, or {@code null} when it did not change (304)
	 * @param etag its ETag
	 * @param latencyMillis how long the fetch took
	 */
	record CardAnswer(@Nullable JsonNode card, @Nullable String etag, long latencyMillis) {

	}

	/**
	 * A call that failed for a reason worth telling the operator.
	 */
	static final class RemoteCallException extends RuntimeException {

		RemoteCallException(String message) {
			super(message);
		}

	}

	/**
	 * One Server-Sent Events stream of JSON-RPC responses.
	 */
	final class Stream implements Flow.Subscriber<String> {

		private final String method;

		private final Consumer<JsonNode> events;

		private final CompletableFuture<Void> ended = new CompletableFuture<>();

		private final StringBuilder data = new StringBuilder();

		private volatile Flow.@Nullable Subscription subscription;

		private volatile boolean stopped;

		Stream(String method, Consumer<JsonNode> events) {
			this.method = method;
			this.events = events;
		}

		/**
		 * @return completes when the stream ends
		 */
		CompletableFuture<Void> ended() {
			return this.ended;
		}

		/**
		 * Stops reading the stream and closes it.
		 */
		void stop() {
			this.stopped = true;
			Flow.Subscription current = this.subscription;
			if (current != null) {
				current.cancel();
			}
			this.ended.complete(null);
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			if (this.stopped) {
				subscription.cancel();
				return;
			}
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(String line) {
			if (this.stopped) {
				return;
			}
			try {
				if (line.isEmpty()) {
					if (!this.data.isEmpty()) {
						String event = this.data.toString();
						this.data.setLength(0);
						this.event(parse(event.getBytes(StandardCharsets.UTF_8),
								this.method + " streamed an event that is not JSON"));
					}
				}
				else if (line.startsWith("data:")) {
					if (this.data.length() + line.length() > RemoteCalls.this.properties.maxResponseBytes()) {
						throw new RemoteCallException(this.method + " streamed an event larger than "
								+ RemoteCalls.this.properties.maxResponseBytes() + " bytes");
					}
					if (!this.data.isEmpty()) {
						this.data.append('\n');
					}
					this.data.append(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
				}
			}
			catch (RuntimeException ex) {
				this.stopped = true;
				Flow.Subscription current = this.subscription;
				if (current != null) {
					current.cancel();
				}
				this.ended.completeExceptionally(ex);
			}
		}

		void event(JsonNode response) {
			this.events.accept(result(response, this.method));
		}

		@Override
		public void onError(Throwable failure) {
			this.ended.completeExceptionally(failure);
		}

		@Override
		public void onComplete() {
			this.ended.complete(null);
		}

		void end(@Nullable Throwable failure) {
			if (failure != null) {
				Throwable cause = (failure.getCause() != null) ? failure.getCause() : failure;
				this.ended.completeExceptionally(cause);
			}
			else {
				this.ended.complete(null);
			}
		}

	}

	/**
	 * Reads a body up to a limit; a larger one fails the call.
	 */
	private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

		private final int limit;

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		private final CompletableFuture<byte[]> body = new CompletableFuture<>();

		private Flow.@Nullable Subscription subscription;

		LimitedBody(int limit) {
			this.limit = limit;
		}

		@Override
		public CompletionStage<byte[]> getBody() {
			return this.body;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(List<ByteBuffer> buffers) {
			for (ByteBuffer buffer : buffers) {
				byte[] chunk = new byte[buffer.remaining()];
				buffer.get(chunk);
				this.bytes.write(chunk, 0, chunk.length);
			}
			if (this.bytes.size() > this.limit && this.subscription != null) {
				this.subscription.cancel();
				this.body.completeExceptionally(
						new RemoteCallException("the answer is larger than " + this.limit + " bytes"));
			}
		}

		@Override
		public void onError(Throwable failure) {
			this.body.completeExceptionally(failure);
		}

		@Override
		public void onComplete() {
			this.body.complete(this.bytes.toByteArray());
		}

	}

	/**
	 * How long a call may take at most.
	 * @return the call timeout
	 */
	Duration callTimeout() {
		return this.properties.callTimeout();
	}

}
