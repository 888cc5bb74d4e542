package io.nexus.server.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.nexus.server.NexusApplication;

import static org.awaitility.Awaitility.await;

/**
 * A Nexus node in a JVM of its own, started from the test classpath, so that a test can
 * kill it with SIGKILL ({@link #kill()}) or stop it with SIGTERM ({@link #stop()}) like
 * an operator would. Its output goes to a log file under {@code target/} for debugging;
 * {@link #close()} always ends the process.
 */
public final class NodeProcess implements AutoCloseable {

	private static final Duration STARTUP = Duration.ofSeconds(120);

	/**
	 * Nodes still running when the test JVM exits without closing them (an aborted run)
	 * are killed then, so that no node outlives its test.
	 */
	private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "node-process-reaper"));
	}

	private final String name;

	private final int port;

	private final Map<String, String> environment;

	private final List<String> arguments;

	private final Path logDirectory;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private Process process;

	private int starts;

	private NodeProcess(String name, int port, Map<String, String> environment, List<String> arguments,
			Path logDirectory) {
		this.name = name;
		this.port = port;
		this.environment = Map.copyOf(environment);
		this.arguments = List.copyOf(arguments);
		this.logDirectory = logDirectory;
	}

	/**
	 * Starts a node on a free port and waits until {@code /health} answers 200.
	 * @param name the node's name in log file names
	 * @param environment variables added to this JVM's environment ({@code DATABASE_URL}
	 * and so on)
	 * @param arguments Spring Boot command-line arguments ({@code --nexus.x=y})
	 * @param logDirectory where {@code <name>-<n>.log} is written
	 * @return the running node
	 */
	public static NodeProcess start(String name, Map<String, String> environment, List<String> arguments,
			Path logDirectory) {
		NodeProcess node = new NodeProcess(name, freePort(), environment, arguments, logDirectory);
		node.startAgain();
		return node;
	}

	/**
	 * Starts the node again on the same port (after {@link #stop()} or {@link #kill()})
	 * and waits until it is healthy.
	 */
	public void startAgain() {
		if (this.process != null && this.process.isAlive()) {
			throw new IllegalStateException(this.name + " is still running");
		}
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
						// a small node: a quick start matters more here than peak speed
						"-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath(),
						NexusApplication.class.getName(), "--server.port=" + this.port));
		command.addAll(this.arguments);
		this.starts++;
		Path log = this.logDirectory.resolve(this.name + "-" + this.starts + ".log");
		try {
			Files.createDirectories(this.logDirectory);
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
			builder.environment().putAll(this.environment);
			this.process = builder.start();
			RUNNING.add(this.process);
			this.process.onExit().thenAccept(RUNNING::remove);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Process started = this.process;
		await().atMost(STARTUP).pollInterval(Duration.ofMillis(250)).until(() -> {
			if (!started.isAlive()) {
				throw new AssertionError(
						this.name + " exited with " + started.exitValue() + " while starting; see " + log);
			}
			return healthy();
		});
	}

	public int port() {
		return this.port;
	}

	public URI webSocketUri() {
		return URI.create("ws://localhost:" + this.port + "/ws");
	}

	public boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Ends the node with SIGKILL, as {@code kill -9} does: no shutdown hook runs.
	 */
	public void kill() {
		this.process.destroyForcibly();
		waitForExit(Duration.ofSeconds(10));
	}

	/**
	 * Stops the node with SIGTERM, as a rolling restart does, and waits for it to exit.
	 * @param timeout how long the graceful shutdown may take
	 * @return the exit code
	 */
	public int stop(Duration timeout) {
		this.process.destroy();
		return waitForExit(timeout);
	}

	private int waitForExit(Duration timeout) {
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new AssertionError(this.name + " did not exit within " + timeout);
			}
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private boolean healthy() {
		try {
			HttpResponse<Void> response = this.http
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/health"))
					.timeout(Duration.ofSeconds(2))
					.build(), HttpResponse.BodyHandlers.discarding());
			return response.statusCode() == 200;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Override
	public void close() {
		if (this.process != null && this.process.isAlive()) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static String classpath() {
		// Surefire may start the test JVM from a manifest-only jar; this property holds
		// the
		// real class path then
		String surefire = System.getProperty("surefire.test.class.path");
		return (surefire != null && !surefire.isBlank()) ? surefire : System.getProperty("java.class.path");
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
