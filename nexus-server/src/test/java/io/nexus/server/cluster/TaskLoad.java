package io.nexus.server.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;

/**
 * A task creator for fault tests: creates batches of tasks through the nodes in turn,
 * each task with an id and idempotency key of its own, so that a batch whose node went
 * away (connection refused, 503) is sent again to the next node without creating anything
 * twice. Records every HTTP status it was answered with; a task is accepted when its
 * batch was answered 201 (or 200, a replay).
 */
final class TaskLoad implements AutoCloseable {

	private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

	private static final int MAX_ATTEMPTS = 300;

	private final List<ApiClient> nodes;

	private final String capability;

	private final int batchSize;

	private final Duration pause;

	private final int maxTasks;

	private final Set<String> accepted = ConcurrentHashMap.newKeySet();

	private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

	private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());

	private final AtomicInteger connectionFailures = new AtomicInteger();

	private final Thread thread;

	private volatile boolean running = true;

	private int next;

	/**
	 * @param nodes the nodes to send to, in turn
	 * @param capability the category of every task
	 * @param batchSize tasks per request
	 * @param pause the wait between two batches
	 * @param maxTasks tasks after which the load ends by itself
	 */
	TaskLoad(List<ApiClient> nodes, String capability, int batchSize, Duration pause, int maxTasks) {
		this.nodes = List.copyOf(nodes);
		this.capability = capability;
		this.batchSize = batchSize;
		this.pause = pause;
		this.maxTasks = maxTasks;
		this.thread = new Thread(this::run, "task-load-" + capability);
		this.thread.setDaemon(true);
	}

	TaskLoad start() {
		this.thread.start();
		return this;
	}

	/**
	 * Stops creating after the batch under way and waits for it.
	 * @return this load
	 */
	TaskLoad finish() {
		this.running = false;
		join();
		return this;
	}

	/**
	 * Waits until the load has created all its tasks.
	 * @return this load
	 */
	TaskLoad awaitAll() {
		join();
		return this;
	}

	Set<String> accepted() {
		return Set.copyOf(this.accepted);
	}

	/**
	 * Every status the nodes answered with, and how often.
	 * @return status to count
	 */
	Map<Integer, Integer> statuses() {
		Map<Integer, Integer> copy = new TreeMap<>();
		this.statuses.forEach((status, count) -> copy.put(status, count.get()));
		return copy;
	}

	/**
	 * Answers other than 200, 201 and 503, with their bodies.
	 * @return the answers
	 */
	List<String> unexpected() {
		return List.copyOf(this.unexpected);
	}

	int connectionFailures() {
		return this.connectionFailures.get();
	}

	private void run() {
		int created = 0;
		while (this.running && created < this.maxTasks) {
			List<String> ids = new ArrayList<>();
			StringBuilder body = new StringBuilder("{\"tasks\":[");
			for (int i = 0; i < this.batchSize && created < this.maxTasks; i++, created++) {
				String id = this.capability + "-" + created;
				ids.add(id);
				body.append((i > 0) ? "," : "")
					.append("{\"id\":\"")
					.append(id)
					.append("\",\"idempotency_key\":\"")
					.append(id)
					.append("\",\"title\":\"fault load\",\"category\":\"")
					.append(this.capability)
					.append("\",\"max_attempts\":5}");
			}
			submit(ids, body.append("]}").toString());
			pause(this.pause);
		}
	}

	private void submit(List<String> ids, String body) {
		for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
			ApiClient node = this.nodes.get(this.next);
			this.next = (this.next + 1) % this.nodes.size();
			Response response;
			try {
				response = node.post("/api/tasks/batch", body);
			}
			catch (IllegalStateException ex) {
				// the node is down or stopping: connection refused or reset
				this.connectionFailures.incrementAndGet();
				pause(RETRY_PAUSE);
				continue;
			}
			this.statuses.computeIfAbsent(response.status(), (status) -> new AtomicInteger()).incrementAndGet();
			if (response.status() == 200 || response.status() == 201) {
				this.accepted.addAll(ids);
				return;
			}
			if (response.status() != 503) {
				this.unexpected.add(response.status() + " " + response.body());
				return;
			}
			pause(RETRY_PAUSE);
		}
		this.unexpected.add("gave up on " + ids);
	}

	private static void pause(Duration duration) {
		try {
			// pacing of the load generator itself, not a wait for an asynchronous result
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void join() {
		try {
			this.thread.join(Duration.ofMinutes(3).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.thread.isAlive()) {
			throw new AssertionError("the task load did not end");
		}
	}

	@Override
	public void close() {
		this.running = false;
	}

}
