package io.nexus.server.a2a;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * What follows a task for a client, whatever the binding: the wait of a blocking
 * {@code SendMessage} and the Server-Sent Events of {@code SendStreamingMessage} and
 * {@code SubscribeToTask}. The binding gives the envelope each answer goes in (a JSON-RPC
 * response, or the bare object over HTTP+JSON); the task is followed by {@link A2aWatch},
 * so it may run on any node, and no thread is held while waiting.
 */
@Component
class A2aStreams {

	/** How much longer than its watch an emitter lives, so that the watch ends it. */
	static final long MARGIN_MILLIS = 30_000;

	/** An idle stream says it is alive this often, so that proxies do not close it. */
	private static final long KEEP_ALIVE_NANOS = 15_000_000_000L;

	private static final Logger logger = LoggerFactory.getLogger(A2aStreams.class);

	private final A2aServer server;

	private final A2aTasks shapes;

	private final A2aWatch watch;

	private final A2aProperties properties;

	private final JsonMapper json;

	A2aStreams(A2aServer server, A2aTasks shapes, A2aWatch watch, A2aProperties properties, JsonMapper json) {
		this.server = server;
		this.shapes = shapes;
		this.watch = watch;
		this.properties = properties;
		this.json = json;
	}

	/**
	 * Whether a {@code SendMessageRequest} asks not to wait:
	 * {@code configuration.returnImmediately}, or the older {@code blocking: false}.
	 * @param params the request
	 * @return {@code true} to answer at once
	 */
	static boolean returnsImmediately(ObjectNode params) {
		ObjectNode configuration = A2aServer.object(params, "configuration", false);
		return configuration != null && (configuration.path("returnImmediately").asBoolean(false)
				|| (configuration.has("blocking") && !configuration.path("blocking").asBoolean(true)));
	}

	/**
	 * How long the emitter or deferred result of a blocking send may live.
	 * @return milliseconds
	 */
	long blockingTimeoutMillis() {
		return this.properties.blockingWait().toMillis() + MARGIN_MILLIS;
	}

	/**
	 * Waits until a task is terminal or waits for a person, at most
	 * {@code nexus.a2a.blocking-wait}; then {@code settled} gets the task as it is, once.
	 * @param task the task just sent
	 * @param settled called with the task to answer with
	 * @param gone called instead when the task was deleted
	 * @return what ends the wait early (the client went away)
	 * @throws A2aError when {@code nexus.a2a.max-watches} are open already
	 */
	Runnable awaitSettled(Task task, Consumer<Task> settled, Runnable gone) {
		AtomicBoolean answered = new AtomicBoolean();
		A2aWatch.Watcher waiter = new A2aWatch.Watcher(task.id()) {

			@Override
			boolean changed(Task now) {
				if (!A2aTasks.settled(A2aTasks.state(now))) {
					return true;
				}
				reply(now);
				return false;
			}

			@Override
			void gone() {
				if (answered.compareAndSet(false, true)) {
					gone.run();
				}
			}

			@Override
			void timedOut() {
				Task now;
				try {
					now = A2aStreams.this.server.find(task.id().value());
				}
				catch (A2aError ex) {
					gone();
					return;
				}
				reply(now);
			}

			private void reply(Task now) {
				if (answered.compareAndSet(false, true)) {
					settled.accept(now);
				}
			}

		};
		this.watch.watch(waiter, this.properties.blockingWait().toMillis());
		return () -> this.watch.unwatch(waiter);
	}

	/**
	 * A stream of a task: the task first, then a status update at each change of state or
	 * of the status message (progress), the result as an artifact update before the last
	 * status; it ends when the task ends.
	 * @param first the task as read when the stream opens
	 * @param envelope puts each {@code StreamResponse} in the binding's envelope
	 * @param why for the log: what opened the stream
	 * @return the emitter to answer with
	 * @throws A2aError when {@code nexus.a2a.max-watches} are open already
	 */
	SseEmitter stream(Task first, UnaryOperator<ObjectNode> envelope, String why) {
		String contextId = this.server.contextOf(first);
		SseEmitter emitter = new SseEmitter(this.properties.streamTimeout().toMillis() + MARGIN_MILLIS);
		A2aWatch.Watcher streamer = new A2aWatch.Watcher(first.id()) {

			private @Nullable String lastStatus;

			private long lastSent = System.nanoTime();

			@Override
			synchronized boolean changed(Task task) {
				ObjectNode status = A2aStreams.this.shapes.status(task, contextId);
				String state = status.get("state").asString();
				status.remove("timestamp");
				String fingerprint = status.toString();
				boolean changed = !fingerprint.equals(this.lastStatus);
				if (this.lastStatus == null) {
					emit(wrap("task", A2aStreams.this.shapes.task(task, contextId)));
					// a task that ended before its first read still ends its stream with
					// the result and the final status, so that every stream ends the same
					// way
					changed = A2aTasks.terminal(state);
				}
				if (changed) {
					emitResultAndStatus(task);
				}
				else if (System.nanoTime() - this.lastSent > KEEP_ALIVE_NANOS) {
					keepAlive();
				}
				this.lastStatus = fingerprint;
				if (A2aTasks.terminal(state)) {
					emitter.complete();
					return false;
				}
				return true;
			}

			private void emitResultAndStatus(Task task) {
				ObjectNode artifact = A2aStreams.this.shapes.artifact(task);
				if (artifact != null) {
					ObjectNode update = A2aStreams.this.json.createObjectNode();
					update.put("taskId", task.id().value());
					update.put("contextId", contextId);
					update.set("artifact", artifact);
					update.put("lastChunk", true);
					emit(wrap("artifactUpdate", update));
				}
				ObjectNode update = A2aStreams.this.json.createObjectNode();
				update.put("taskId", task.id().value());
				update.put("contextId", contextId);
				update.set("status", A2aStreams.this.shapes.status(task, contextId));
				emit(wrap("statusUpdate", update));
			}

			@Override
			void gone() {
				emitter.complete();
			}

			@Override
			void timedOut() {
				emitter.complete();
			}

			private void emit(ObjectNode event) {
				this.lastSent = System.nanoTime();
				send(SseEmitter.event().data(envelope.apply(event).toString(), MediaType.APPLICATION_JSON));
			}

			private void keepAlive() {
				this.lastSent = System.nanoTime();
				send(SseEmitter.event().comment("keep-alive"));
			}

			private void send(SseEmitter.SseEventBuilder event) {
				try {
					emitter.send(event);
				}
				catch (IOException | IllegalStateException ex) {
					throw new IllegalStateException("The stream's client went away", ex);
				}
			}

		};
		emitter.onCompletion(() -> this.watch.unwatch(streamer));
		emitter.onError((ex) -> this.watch.unwatch(streamer));
		emitter.onTimeout(() -> this.watch.unwatch(streamer));
		this.watch.watch(streamer, this.properties.streamTimeout().toMillis());
		logger.debug("A2A stream of task {} opened ({})", first.id(), why);
		return emitter;
	}

	/**
	 * The {@code SendMessageResponse} of a task.
	 * @param task the task
	 * @return {@code {"task": Task}}
	 */
	ObjectNode sendResponse(Task task) {
		return wrap("task", task(task));
	}

	/**
	 * A task in A2A's shape, with its context.
	 * @param task the task
	 * @return the {@code Task}
	 */
	ObjectNode task(Task task) {
		return this.shapes.task(task, this.server.contextOf(task));
	}

	/**
	 * Refuses to subscribe to a task that has ended, as the specification says.
	 * @param id the task id
	 * @return the task, not terminal
	 */
	Task subscribable(String id) {
		Task task = this.server.find(id);
		String state = A2aTasks.state(task);
		if (A2aTasks.terminal(state)) {
			throw new A2aError(A2aError.UNSUPPORTED_OPERATION,
					"Task " + task.id() + " is " + state + "; a finished task cannot be subscribed to",
					Map.of("taskId", task.id().value(), "state", state));
		}
		return task;
	}

	private ObjectNode wrap(String name, ObjectNode value) {
		ObjectNode node = this.json.createObjectNode();
		node.set(name, value);
		return node;
	}

}
