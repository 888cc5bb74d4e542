package io.nexus.server.a2a;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.nexus.server.dispatch.ClusterEvent;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskNotFoundException;
import io.nexus.server.tasks.TaskService;
import io.nexus.server.tasks.TaskStatusChanged;
import jakarta.annotation.PreDestroy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Follows the tasks that open A2A streams and blocking sends wait on. The database is the
 * truth: every {@code nexus.a2a.poll-interval} each watched task is read again, so a task
 * that runs on another node is followed as well as one that runs here; a change committed
 * on this node, or a hint from another node that tasks changed, reads them at once. All
 * the work runs on one thread of its own, never on the thread that committed the change.
 */
@Component
class A2aWatch implements SmartLifecycle {

	/**
	 * Before the web server's graceful shutdown, which would otherwise wait for open
	 * streams.
	 */
	private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final Logger logger = LoggerFactory.getLogger(A2aWatch.class);

	private final Map<TaskId, List<Watcher>> watched = new ConcurrentHashMap<>();

	private final AtomicInteger count = new AtomicInteger();

	private final ScheduledThreadPoolExecutor worker = worker();

	private final TaskService tasks;

	private final A2aProperties properties;

	private volatile boolean running;

	A2aWatch(TaskService tasks, A2aProperties properties) {
		this.tasks = tasks;
		this.properties = properties;
	}

	/**
	 * Starts following a task for a watcher; the watcher is told of the task as it is
	 * once the watch is in place, so that no change between its first read and the watch
	 * is missed.
	 * @param watcher the watcher
	 * @param timeoutMillis when to call {@link Watcher#timedOut}
	 * @throws A2aError when {@code nexus.a2a.max-watches} are open already
	 */
	void watch(Watcher watcher, long timeoutMillis) {
		if (this.count.incrementAndGet() > this.properties.maxWatches()) {
			this.count.decrementAndGet();
			throw new A2aError(A2aError.INTERNAL_ERROR,
					"Too many A2A streams and waits are open on this node; try again shortly",
					Map.of("maxWatches", this.properties.maxWatches()));
		}
		this.watched.computeIfAbsent(watcher.taskId(), (id) -> new CopyOnWriteArrayList<>()).add(watcher);
		watcher.timer = this.worker.schedule(() -> {
			if (!watcher.isClosed()) {
				watcher.timedOut();
				unwatch(watcher);
			}
		}, timeoutMillis, TimeUnit.MILLISECONDS);
		this.worker.execute(() -> check(watcher.taskId()));
	}

	void unwatch(Watcher watcher) {
		watcher.close();
		ScheduledFuture<?> timer = watcher.timer;
		if (timer != null) {
			timer.cancel(false);
		}
		List<Watcher> list = this.watched.get(watcher.taskId());
		if (list != null && list.remove(watcher)) {
			this.count.decrementAndGet();
			if (list.isEmpty()) {
				this.watched.remove(watcher.taskId(), list);
			}
		}
	}

	int open() {
		return this.count.get();
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onTaskStatusChanged(TaskStatusChanged event) {
		if (this.watched.containsKey(event.taskId())) {
			this.worker.execute(() -> check(event.taskId()));
		}
	}

	@EventListener
	void onClusterEvent(ClusterEvent event) {
		String kinds = event.field("kinds");
		if (ClusterEvent.LIVE.equals(event.kind()) && kinds != null && kinds.contains("tasks")
				&& !this.watched.isEmpty()) {
			this.worker.execute(this::checkAll);
		}
	}

	@Scheduled(fixedDelayString = "${nexus.a2a.poll-interval:1s}")
	void poll() {
		if (!this.watched.isEmpty()) {
			this.worker.execute(this::checkAll);
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Ends every stream and wait as its timeout would (a stream is completed; a blocking
	 * send answers with the task as it is), so that a stopping node's graceful shutdown
	 * does not wait for them; clients read or subscribe again, on another node.
	 */
	@Override
	public void stop() {
		this.running = false;
		for (List<Watcher> list : List.copyOf(this.watched.values())) {
			for (Watcher watcher : list) {
				try {
					watcher.timedOut();
				}
				catch (RuntimeException ex) {
					logger.debug("An A2A watcher of task {} failed to end", watcher.taskId(), ex);
				}
				unwatch(watcher);
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@PreDestroy
	void shutdown() {
		this.worker.shutdownNow();
	}

	private static ScheduledThreadPoolExecutor worker() {
		ScheduledThreadPoolExecutor worker = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "a2a-watch");
			thread.setDaemon(true);
			return thread;
		});
		// a stream that ends early takes its timer with it
		worker.setRemoveOnCancelPolicy(true);
		return worker;
	}

	private void checkAll() {
		for (TaskId id : Set.copyOf(this.watched.keySet())) {
			check(id);
		}
	}

	private void check(TaskId id) {
		List<Watcher> list = this.watched.get(id);
		if (list == null || list.isEmpty()) {
			return;
		}
		Task task;
		try {
			task = this.tasks.get(id);
		}
		catch (TaskNotFoundException ex) {
			list.forEach((watcher) -> {
				watcher.gone();
				unwatch(watcher);
			});
			return;
		}
		catch (RuntimeException ex) {
			// the database may be away for a moment: the next poll tries again
			logger.debug("Could not read task {} for its A2A watchers", id, ex);
			return;
		}
		for (Watcher watcher : list) {
			try {
				if (!watcher.changed(task)) {
					unwatch(watcher);
				}
			}
			catch (RuntimeException ex) {
				logger.debug("An A2A watcher of task {} failed", id, ex);
				unwatch(watcher);
			}
		}
	}

	/**
	 * One stream or blocking send following a task.
	 */
	abstract static class Watcher {

		private final TaskId taskId;

		private volatile boolean closed;

		private volatile @Nullable ScheduledFuture<?> timer;

		Watcher(TaskId taskId) {
			this.taskId = taskId;
		}

		TaskId taskId() {
			return this.taskId;
		}

		boolean isClosed() {
			return this.closed;
		}

		void close() {
			this.closed = true;
		}

		/**
		 * The task as read now (it may not have changed).
		 * @param task the task
		 * @return {@code false} when the watcher is done
		 */
		abstract boolean changed(Task task);

		/** The task was deleted. */
		abstract void gone();

		/** The watch ran out of time. */
		abstract void timedOut();

	}

}
