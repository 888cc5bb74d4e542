package io.nexus.server.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on a fixed local port that a test can cut ({@link #stop()}: listener
 * and every connection closed, new connections refused) and restore ({@link #start()}),
 * to play a server that goes away and comes back.
 */
public final class TcpProxy implements AutoCloseable {

	private final String targetHost;

	private final int targetPort;

	private final int port;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile ServerSocket listener;

	public TcpProxy(String targetHost, int targetPort) throws IOException {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		try (ServerSocket probe = new ServerSocket(0)) {
			this.port = probe.getLocalPort();
		}
	}

	public int port() {
		return this.port;
	}

	public synchronized void start() throws IOException {
		ServerSocket socket = new ServerSocket();
		socket.setReuseAddress(true);
		socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port));
		this.listener = socket;
		daemon(() -> accept(socket));
	}

	public synchronized void stop() {
		ServerSocket socket = this.listener;
		this.listener = null;
		closeQuietly(socket);
		for (Socket connection : this.sockets) {
			closeQuietly(connection);
		}
		this.sockets.clear();
	}

	@Override
	public void close() {
		stop();
	}

	private void accept(ServerSocket socket) {
		while (!socket.isClosed()) {
			try {
				Socket client = socket.accept();
				Socket server = new Socket(this.targetHost, this.targetPort);
				this.sockets.add(client);
				this.sockets.add(server);
				daemon(() -> pipe(client, server));
				daemon(() -> pipe(server, client));
			}
			catch (IOException ex) {
				// closed by stop()
			}
		}
	}

	private static void daemon(Runnable task) {
		Thread thread = new Thread(task, "tcp-proxy");
		thread.setDaemon(true);
		thread.start();
	}

	private static void pipe(Socket from, Socket to) {
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			in.transferTo(out);
		}
		catch (IOException ex) {
			// one side closed
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	private static void closeQuietly(AutoCloseable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// closing anyway
			}
		}
	}

}
