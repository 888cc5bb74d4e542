package io.nexus.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An idle-connection run: registers agents over REST, reads the server's memory, connects
 * them all with bare WebSockets, reads the memory again and reports the growth per
 * connection; then holds the connections past the heartbeat timeout and counts them
 * again.
 */
final class IdleRun {

	private final NexusApi api;

	private final IdleSettings settings;

	IdleRun(NexusApi api, IdleSettings settings) {
		this.api = api;
		this.settings = settings;
	}

	Report run() throws Exception {
		List<NexusApi.RegisteredAgent> registered = register();
		ServerMemory memory = new ServerMemory(this.api, this.settings.serverPid(), this.settings.gcViaJcmd());
		Thread.sleep(this.settings.settle().toMillis());
		ServerMemory.Reading before = memory.read();
		long online0 = this.api.onlineAgents();
		ConcurrentLinkedQueue<IdleSocket> sockets = new ConcurrentLinkedQueue<>();
		AtomicReference<Throwable> firstError = new AtomicReference<>();
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		Semaphore inFlight = new Semaphore(this.settings.parallelism());
		List<CompletableFuture<?>> all = new ArrayList<>();
		long connectStart = System.nanoTime();
		for (NexusApi.RegisteredAgent agent : registered) {
			inFlight.acquire();
			all.add(IdleSocket.open(client, this.api.webSocketUri(), agent.id(), agent.token())
				.whenComplete((socket, ex) -> {
					inFlight.release();
					if (ex != null) {
						firstError.compareAndSet(null, ex);
					}
					else if (sockets.add(socket) && sockets.size() % 1000 == 0) {
						System.err.printf("%,d connected after %.1f s%n", sockets.size(),
								(System.nanoTime() - connectStart) / 1e9);
					}
				}));
		}
		CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally((ex) -> null).join();
		double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
		System.err.printf("%,d of %,d agents connected in %.1f s%n", sockets.size(), registered.size(), connectSeconds);
		Thread.sleep(this.settings.settle().toMillis());
		ServerMemory.Reading after = memory.read();
		long online1 = onlineAgents();
		Thread.sleep(this.settings.hold().toMillis());
		long stillOpen = sockets.stream().filter(IdleSocket::isOpen).count();
		long online2 = onlineAgents();
		sockets.forEach(IdleSocket::abort);
		return report(sockets.size(), firstError.get(), connectSeconds, before, after, online0, online1, online2,
				stillOpen);
	}

	private long onlineAgents() throws InterruptedException {
		try {
			return this.api.onlineAgents();
		}
		catch (IOException ex) {
			System.err.println("Could not read /status: " + ex);
			return -1;
		}
	}

	private List<NexusApi.RegisteredAgent> register() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(Math.min(this.settings.parallelism(), 16));
		try {
			List<Future<NexusApi.RegisteredAgent>> futures = new ArrayList<>();
			for (int i = 0; i < this.settings.agents(); i++) {
				String name = "idle agent " + i;
				futures.add(pool.submit(() -> this.api.registerAgent(name, "idle", 1)));
			}
			List<NexusApi.RegisteredAgent> agents = new ArrayList<>();
			for (Future<NexusApi.RegisteredAgent> future : futures) {
				agents.add(future.get());
			}
			System.err.printf("%,d agents registered over REST%n", agents.size());
			return agents;
		}
		finally {
			pool.shutdown();
		}
	}

	private Report report(int connected, Throwable error, double connectSeconds, ServerMemory.Reading before,
			ServerMemory.Reading after, long online0, long online1, long online2, long stillOpen) throws IOException {
		Report report = new Report("idle");
		report.line(String.format("Idle: %,d agents, parallelism %d, settle %d s, hold %d s, GC via jcmd: %b",
				this.settings.agents(), this.settings.parallelism(), this.settings.settle().toSeconds(),
				this.settings.hold().toSeconds(), this.settings.gcViaJcmd()));
		report.figure("agents", "agents", this.settings.agents());
		report.figure("connected", "connected and registered", connected);
		report.figure("first_error", "first error", (error != null) ? String.valueOf(error) : "none");
		report.figure("connect_seconds", "seconds to connect all", connectSeconds);
		report.figure("online_before", "online before (GET /status)", online0);
		report.figure("online_after", "online after settle", online1);
		report.figure("online_after_hold", "online after hold", online2);
		report.figure("open_after_hold", "client sockets open after hold", stillOpen);
		if (before.rssBytes() >= 0) {
			long delta = after.rssBytes() - before.rssBytes();
			report.figure("rss_before_mib", "server RSS before (MiB)", before.rssBytes() / 1048576.0);
			report.figure("rss_after_mib", "server RSS after (MiB)", after.rssBytes() / 1048576.0);
			report.figure("rss_per_connection_kib", "RSS growth per connection (KiB)",
					delta / 1024.0 / Math.max(1, connected));
		}
		if (before.heapBytes() < 0 || after.heapBytes() < 0) {
			return report.line("heap: not readable (GET /metrics failed)");
		}
		long heapDelta = after.heapBytes() - before.heapBytes();
		report.figure("heap_before_mib", "server heap used before (MiB)", before.heapBytes() / 1048576.0);
		report.figure("heap_after_mib", "server heap used after (MiB)", after.heapBytes() / 1048576.0);
		report.figure("heap_per_connection_kib", "heap growth per connection (KiB)",
				heapDelta / 1024.0 / Math.max(1, connected));
		return report;
	}

}
