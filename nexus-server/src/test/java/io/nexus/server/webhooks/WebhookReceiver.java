package io.nexus.server.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP receiver on loopback whose behaviour a test switches: it acknowledges
 * ({@code 204}), fails ({@code 500} with garbage), hangs past the sender's timeout (then
 * answers {@code 503}), or redirects. It records every request and what it answered.
 */
final class WebhookReceiver implements AutoCloseable {

	enum Mode {

		ACK, FAIL, HANG, REDIRECT

	}

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private volatile Mode mode = Mode.ACK;

	private volatile CountDownLatch hang = new CountDownLatch(1);

	WebhookReceiver() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

	void mode(Mode mode) {
		if (this.mode == Mode.HANG && mode != Mode.HANG) {
			this.hang.countDown();
		}
		if (mode == Mode.HANG) {
			this.hang = new CountDownLatch(1);
		}
		this.mode = mode;
	}

	List<Received> received() {
		return List.copyOf(this.received);
	}

	/** The requests answered with a 2xx while acknowledging. */
	List<Received> acknowledged() {
		return this.received.stream().filter((request) -> request.answered() == Mode.ACK).toList();
	}

	private void handle(HttpExchange exchange) throws IOException {
		Mode now = this.mode;
		String body;
		try (InputStream in = exchange.getRequestBody()) {
			body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		Received request = new Received(exchange.getRequestURI().getPath(),
				exchange.getRequestHeaders().getFirst("webhook-id"),
				exchange.getRequestHeaders().getFirst("webhook-timestamp"),
				exchange.getRequestHeaders().getFirst("webhook-signature"), body,
				exchange.getRequestURI().getPath().equals("/redirect") ? Mode.REDIRECT : now);
		this.received.add(request);
		switch (request.answered()) {
			case ACK -> exchange.sendResponseHeaders(204, -1);
			case FAIL -> {
				byte[] garbage = "\u0000not json at all".getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(500, garbage.length);
				exchange.getResponseBody().write(garbage);
			}
			case HANG -> {
				try {
					this.hang.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				// released: never an acknowledgement, whether the sender still waits or
				// not
				exchange.sendResponseHeaders(503, -1);
			}
			case REDIRECT -> {
				exchange.getResponseHeaders().add("location", url("/redirected"));
				exchange.sendResponseHeaders(302, -1);
			}
		}
		exchange.close();
	}

	@Override
	public void close() {
		this.hang.countDown();
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	/**
	 * A request as received.
	 *
	 * @param path its path
	 * @param id the webhook-id header
	 * @param timestamp the webhook-timestamp header
	 * @param signature the webhook-signature header
	 * @param body the body
	 * @param answered how the receiver answered
	 */
	record Received(String path, String id, String timestamp, String signature, String body, Mode answered) {

	}

}
