package io.nexus.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Creates tasks at a fixed rate whatever the server does (open loop). Request {@code n}
 * is due at {@code start + n * interval}; a pool of sender threads takes the requests in
 * order, waits until each is due and sends it synchronously. When the server falls
 * behind, the senders fall behind too and every latency is measured from the intended
 * time, so the queueing the server causes is counted (no coordinated omission).
 */
final class OpenLoopSender {

	private final NexusApi api;

	private final LoadSettings settings;

	private final Measurements measurements;

	private final AtomicLong next = new AtomicLong();

	OpenLoopSender(NexusApi api, LoadSettings settings, Measurements measurements) {
		this.api = api;
		this.settings = settings;
		this.measurements = measurements;
	}

	/**
	 * Sends every request and returns once all are answered, or at the give-up time, when
	 * the requests still in flight are abandoned (interrupting a thread blocked in
	 * {@code HttpClient.send} cancels its request).
	 */
	void run() throws InterruptedException {
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < this.settings.senders(); i++) {
			Thread thread = new Thread(this::send, "bench-sender-" + i);
			thread.setDaemon(true);
			thread.start();
			threads.add(thread);
		}
		long giveUp = this.settings.giveUpNanos(this.measurements.startNanos());
		for (Thread thread : threads) {
			long left = giveUp - System.nanoTime();
			if (giveUp == Long.MAX_VALUE) {
				thread.join();
			}
			else if (left > 0) {
				thread.join(Math.max(1, left / 1_000_000));
			}
		}
		for (Thread thread : threads) {
			thread.interrupt();
			thread.join();
		}
	}

	private void send() {
		long requests = this.settings.requests();
		boolean batched = this.settings.batch() > 1;
		long giveUp = this.settings.giveUpNanos(this.measurements.startNanos());
		for (long request = this.next.getAndIncrement(); request < requests; request = this.next.getAndIncrement()) {
			long intended = this.measurements.intendedNanos(request);
			if (System.nanoTime() >= giveUp) {
				this.measurements.notSent();
				continue;
			}
			long wait;
			while ((wait = intended - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			String body = batched ? batchBody(request, intended) : TaskBodies.task(request, intended);
			try {
				int status = this.api.createTasks(body, batched);
				this.measurements.responded(request, intended, status, System.nanoTime());
			}
			catch (IOException ex) {
				this.measurements.error(ex.getClass().getSimpleName());
			}
			catch (InterruptedException ex) {
				// only run() interrupts, at the give-up time: the rest count as not sent
				this.measurements.error("abandoned at --give-up-after");
			}
		}
	}

	private String batchBody(long request, long intended) {
		int batch = this.settings.batch();
		StringBuilder body = new StringBuilder(batch * 110).append("{\"tasks\":[");
		for (int i = 0; i < batch; i++) {
			if (i > 0) {
				body.append(',');
			}
			body.append(TaskBodies.task(request * batch + i, intended));
		}
		return body.append("]}").toString();
	}

}
