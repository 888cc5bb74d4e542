package io.nexus.server.a2a.remote;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.nexus.protocol.frames.AgentFrame;
import io.nexus.protocol.frames.ErrorFrame;
import io.nexus.protocol.frames.Heartbeat;
import io.nexus.protocol.frames.ServerFrame;
import io.nexus.protocol.frames.TaskAccept;
import io.nexus.protocol.frames.TaskAssigned;
import io.nexus.protocol.frames.TaskCancel;
import io.nexus.protocol.frames.TaskComplete;
import io.nexus.protocol.frames.TaskFail;
import io.nexus.protocol.frames.TaskProgress;
import io.nexus.server.a2a.remote.RemoteCalls.RemoteCallException;
import io.nexus.server.agents.AgentId;
import io.nexus.server.dispatch.AgentChannel;
import io.nexus.server.realtime.AgentGateway.AgentSession;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A remote A2A agent as a connection of the agent protocol: what dispatch sends it
 * ({@code task_assigned}, {@code task_cancel}) becomes A2A calls
 * ({@code SendStreamingMessage}, or {@code SendMessage} and {@code GetTask} polling;
 * {@code CancelTask}), and what the remote agent answers becomes the agent frames a
 * WebSocket agent would send ({@code task_accept}, {@code task_progress},
 * {@code task_complete}, {@code task_fail}), each with the lease epoch of the assignment
 * it answers, so that lease fencing refuses a late answer as it refuses any. Every call
 * runs on {@link RemoteCalls}' own pool; {@link #send} only starts it.
 */
final class RemoteA2aChannel implements AgentChannel {

	private static final Logger logger = LoggerFactory.getLogger(RemoteA2aChannel.class);

	private final AgentId agentId;

	private final URI rpcUrl;

	private final boolean streaming;

	private final @Nullable String authorization;

	private final List<String> skills;

	private final RemoteCalls calls;

	private final JsonMapper json;

	private final Clock clock;

	private final Runnable onClosed;

	private final RemoteMessages messages;

	private final Map<String, RemoteExchange> exchanges = new ConcurrentHashMap<>();

	private final List<AgentFrame> pending = new ArrayList<>();

	private @Nullable AgentSession session;

	private volatile boolean closed;

	RemoteA2aChannel(AgentId agentId, URI rpcUrl, boolean streaming, @Nullable String authorization,
			List<String> skills, RemoteCalls calls, JsonMapper json, Clock clock, Runnable onClosed) {
		this.agentId = agentId;
		this.rpcUrl = rpcUrl;
		this.streaming = streaming;
		this.authorization = authorization;
		this.skills = skills;
		this.calls = calls;
		this.json = json;
		this.clock = clock;
		this.onClosed = onClosed;
		this.messages = new RemoteMessages(json);
	}

	/**
	 * Connects the channel to its session; frames produced before go to it now.
	 * @param session the session
	 */
	synchronized void attach(AgentSession session) {
		this.session = session;
		this.pending.forEach(session::receive);
		this.pending.clear();
	}

	/**
	 * A sign of life: the card answered.
	 * @param latencyMillis how long it took, which becomes the agent's round trip
	 */
	void heartbeat(long latencyMillis) {
		List<String> running = this.exchanges.values()
			.stream()
			.filter((exchange) -> !exchange.finished)
			.map((exchange) -> exchange.taskId)
			.toList();
		receive(new Heartbeat(Heartbeat.TYPE, null, null, null, running, this.clock.millis() - latencyMillis));
	}

	@Override
	public void send(ServerFrame frame) {
		if (this.closed) {
			return;
		}
		if (frame instanceof TaskAssigned assigned) {
			RemoteExchange exchange = new RemoteExchange(assigned.taskId(), assigned.leaseEpoch());
			this.exchanges.put(exchange.key(), exchange);
			this.calls.run(() -> deliver(exchange, assigned));
		}
		else if (frame instanceof TaskCancel cancel) {
			RemoteExchange exchange = this.exchanges.get(RemoteExchange.key(cancel.taskId(), cancel.leaseEpoch()));
			if (exchange != null) {
				this.calls.run(() -> cancel(exchange));
			}
		}
		else if (frame instanceof ErrorFrame error) {
			// a refused report: a late answer for an old lease, or an answer Nexus could
			// not use
			logger.info("Nexus refused a report of remote A2A agent {}: {} {}", this.agentId, error.code(),
					error.message());
		}
		// registered, ack: nothing to tell the remote agent; input_response and messages
		// between agents are not relayed to remote agents
	}

	@Override
	public void ping() {
		// the card fetches of RemoteLinks are the remote agent's signs of life
	}

	@Override
	public void close(int code, String reason) {
		if (this.closed) {
			return;
		}
		this.closed = true;
		logger.info("Closing the connection of remote A2A agent {}: {} {}", this.agentId, code, reason);
		for (RemoteExchange exchange : this.exchanges.values()) {
			exchange.stop();
			if (!exchange.finished && exchange.remoteTaskId != null) {
				this.calls.run(() -> cancelRemote(exchange));
			}
		}
		this.exchanges.clear();
		this.calls.run(() -> {
			AgentSession current;
			synchronized (this) {
				current = this.session;
			}
			if (current != null) {
				current.closed();
			}
			this.onClosed.run();
		});
	}

	@Override
	public String describe() {
		return "remote A2A agent at " + this.rpcUrl;
	}

	@Override
	public @Nullable String remoteAddress() {
		return this.rpcUrl.getHost();
	}

	boolean isClosed() {
		return this.closed;
	}

	private void deliver(RemoteExchange exchange, TaskAssigned assigned) {
		ObjectNode params = this.messages.request(assigned, this.skills);
		if (this.streaming) {
			RemoteCalls.Stream stream = this.calls.stream(this.rpcUrl, "SendStreamingMessage", params,
					this.authorization, (result) -> answer(exchange, result));
			exchange.stream = stream;
			stream.ended().whenComplete((ignored, failure) -> streamEnded(exchange, failure));
		}
		else {
			params.putObject("configuration").put("returnImmediately", true);
			this.calls.call(this.rpcUrl, "SendMessage", params, this.authorization).whenComplete((result, failure) -> {
				if (failure != null) {
					failed(exchange, failure);
				}
				else {
					answer(exchange, result);
					poll(exchange);
				}
			});
		}
	}

	private void poll(RemoteExchange exchange) {
		if (exchange.finished || exchange.stopped || this.closed || exchange.remoteTaskId == null) {
			return;
		}
		exchange.poll = this.calls.schedule(() -> {
			ObjectNode params = this.json.createObjectNode();
			params.put("id", exchange.remoteTaskId);
			this.calls.call(this.rpcUrl, "GetTask", params, this.authorization).whenComplete((task, failure) -> {
				if (exchange.stopped) {
					return;
				}
				if (failure != null) {
					failed(exchange, failure);
					return;
				}
				answer(exchange, task);
				poll(exchange);
			});
		});
	}

	/**
	 * One answer of the remote agent: a task, a message, a status or an artifact update.
	 */
	private synchronized void answer(RemoteExchange exchange, JsonNode result) {
		if (exchange.finished) {
			return;
		}
		if (!exchange.accepted) {
			exchange.accepted = true;
			receive(new TaskAccept(TaskAccept.TYPE, null, exchange.taskId, exchange.epoch));
		}
		if (result.has("task")) {
			task(exchange, result.get("task"));
		}
		else if (result.has("statusUpdate")) {
			remoteId(exchange, result.get("statusUpdate").path("taskId"));
			status(exchange, result.get("statusUpdate").path("status"));
		}
		else if (result.has("artifactUpdate")) {
			JsonNode update = result.get("artifactUpdate");
			remoteId(exchange, update.path("taskId"));
			artifact(exchange, update.path("artifact"), update.path("append").asBoolean(false));
		}
		else if (result.has("message")) {
			// a direct answer without a task
			finish(exchange, new TaskComplete(TaskComplete.TYPE, null, exchange.taskId, exchange.epoch,
					this.messages.resultOf(List.of(result.get("message"))), null));
		}
		else if (result.has("id") && result.has("status")) {
			// GetTask answers with the task itself
			task(exchange, result);
		}
		else {
			garbage(exchange, "the remote agent answered with neither a task, a message nor an update");
		}
	}

	private void task(RemoteExchange exchange, JsonNode task) {
		remoteId(exchange, task.path("id"));
		JsonNode artifacts = task.path("artifacts");
		if (artifacts.isArray()) {
			exchange.artifacts.clear();
			for (JsonNode artifact : artifacts) {
				artifact(exchange, artifact, false);
			}
		}
		status(exchange, task.path("status"));
	}

	private void remoteId(RemoteExchange exchange, JsonNode id) {
		if (exchange.remoteTaskId == null && id.isString() && !id.asString().isBlank()) {
			exchange.remoteTaskId = id.asString();
			if (exchange.cancelRequested) {
				this.calls.run(() -> cancelRemote(exchange));
			}
		}
	}

	private void artifact(RemoteExchange exchange, JsonNode artifact, boolean append) {
		if (!artifact.isObject()) {
			return;
		}
		String id = artifact.path("artifactId").asString("artifact-" + exchange.artifacts.size());
		ObjectNode previous = exchange.artifacts.get(id);
		if (append && previous != null && artifact.path("parts").isArray()) {
			ArrayNode parts = previous.withArray("parts");
			artifact.path("parts").forEach(parts::add);
		}
		else {
			exchange.artifacts.put(id, ((ObjectNode) artifact).deepCopy());
		}
	}

	private void status(RemoteExchange exchange, JsonNode status) {
		if (!status.isObject()) {
			return;
		}
		String state = status.path("state").asString("");
		String text = RemoteMessages.text(status.path("message"));
		if (exchange.cancelRequested) {
			// the lease is gone: a late answer that finishes the task goes to Nexus,
			// whose
			// lease fencing refuses it; the remote agent's confirmation of the cancel
			// does not
			if (state.equals("TASK_STATE_COMPLETED")) {
				finish(exchange, complete(exchange));
			}
			else if (state.equals("TASK_STATE_CANCELED")) {
				exchange.finished = true;
				exchange.stop();
			}
			return;
		}
		switch (state) {
			case "TASK_STATE_SUBMITTED" -> {
			}
			case "TASK_STATE_WORKING" -> receive(new TaskProgress(TaskProgress.TYPE, null, exchange.taskId,
					exchange.epoch, null, (text != null) ? RemoteMessages.cut(text) : null));
			case "TASK_STATE_COMPLETED" -> finish(exchange, complete(exchange));
			case "TASK_STATE_FAILED" ->
				fail(exchange, "the remote agent failed the task" + RemoteMessages.said(text), true);
			case "TASK_STATE_REJECTED" ->
				fail(exchange, "the remote agent rejected the task" + RemoteMessages.said(text), true);
			case "TASK_STATE_CANCELED" ->
				fail(exchange, "the remote agent canceled the task" + RemoteMessages.said(text), true);
			case "TASK_STATE_INPUT_REQUIRED", "TASK_STATE_AUTH_REQUIRED" -> {
				fail(exchange,
						"the remote agent asked for " + (state.endsWith("AUTH_REQUIRED") ? "authorization" : "input")
								+ " (" + state + "), which Nexus does not relay to remote A2A agents"
								+ RemoteMessages.said(text),
						false);
				this.calls.run(() -> cancelRemote(exchange));
			}
			default -> garbage(exchange,
					"the remote agent reported an unknown task state '" + RemoteMessages.cut(state) + "'");
		}
	}

	private TaskComplete complete(RemoteExchange exchange) {
		return new TaskComplete(TaskComplete.TYPE, null, exchange.taskId, exchange.epoch,
				this.messages.resultOf(new ArrayList<>(exchange.artifacts.values())), null);
	}

	private void garbage(RemoteExchange exchange, String reason) {
		fail(exchange, reason, true);
		exchange.stop();
	}

	private void fail(RemoteExchange exchange, String reason, boolean retryable) {
		finish(exchange, new TaskFail(TaskFail.TYPE, null, exchange.taskId, exchange.epoch, RemoteMessages.cut(reason),
				retryable));
	}

	private void finish(RemoteExchange exchange, AgentFrame frame) {
		exchange.finished = true;
		receive(frame);
		exchange.stop();
		this.exchanges.remove(exchange.key(), exchange);
	}

	private void streamEnded(RemoteExchange exchange, @Nullable Throwable failure) {
		if (failure != null) {
			failed(exchange, failure);
		}
		else {
			synchronized (this) {
				if (!exchange.finished && !exchange.stopped && !exchange.cancelRequested && !this.closed) {
					fail(exchange, "the remote agent's stream ended before the task finished", true);
				}
			}
		}
		if (exchange.cancelRequested || exchange.finished) {
			this.exchanges.remove(exchange.key(), exchange);
		}
	}

	private synchronized void failed(RemoteExchange exchange, Throwable failure) {
		if (exchange.finished || exchange.stopped || exchange.cancelRequested || this.closed) {
			return;
		}
		Throwable cause = (failure.getCause() != null && !(failure instanceof RemoteCallException)) ? failure.getCause()
				: failure;
		String reason = (cause instanceof RemoteCallException) ? cause.getMessage()
				: "the remote agent could not be reached: " + cause.getClass().getSimpleName()
						+ ((cause.getMessage() != null) ? " " + cause.getMessage() : "");
		fail(exchange, String.valueOf(reason), true);
	}

	/**
	 * The lease of an assignment ended (expired, taken back, task cancelled): the remote
	 * agent is asked to cancel; its stream is read a little longer, so that a late answer
	 * reaches lease fencing, and is then closed.
	 */
	private void cancel(RemoteExchange exchange) {
		synchronized (this) {
			if (exchange.finished) {
				return;
			}
			exchange.cancelRequested = true;
		}
		if (exchange.poll != null) {
			exchange.poll.cancel(false);
		}
		if (exchange.remoteTaskId != null) {
			cancelRemote(exchange);
		}
		this.calls.schedule(() -> {
			exchange.stop();
			this.exchanges.remove(exchange.key(), exchange);
		}, this.calls.callTimeout());
	}

	private void cancelRemote(RemoteExchange exchange) {
		if (exchange.cancelSent || exchange.remoteTaskId == null) {
			return;
		}
		exchange.cancelSent = true;
		ObjectNode params = this.json.createObjectNode();
		params.put("id", exchange.remoteTaskId);
		this.calls.call(this.rpcUrl, "CancelTask", params, this.authorization).whenComplete((ignored, failure) -> {
			if (failure != null) {
				logger.info("CancelTask of task {} on remote A2A agent {} failed: {}", exchange.taskId, this.agentId,
						failure.getMessage());
			}
		});
	}

	private synchronized void receive(AgentFrame frame) {
		if (this.session == null) {
			this.pending.add(frame);
		}
		else {
			this.session.receive(frame);
		}
	}

}
