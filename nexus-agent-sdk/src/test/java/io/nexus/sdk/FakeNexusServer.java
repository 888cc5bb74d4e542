package io.nexus.sdk;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal RFC 6455 server that plays Nexus in tests: the test reads the frames the
 * agent sent and writes the answers by hand.
 */
final class FakeNexusServer implements AutoCloseable {

	private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

	private final ServerSocket serverSocket;

	private final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();

	FakeNexusServer() throws IOException {
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::acceptLoop, "fake-nexus-acceptor");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	URI uri() {
		return URI.create("ws://127.0.0.1:" + this.serverSocket.getLocalPort() + "/ws");
	}

	/**
	 * The next connection the agent opens.
	 * @return the connection
	 */
	Connection nextConnection() throws InterruptedException {
		Connection connection = this.connections.poll(10, TimeUnit.SECONDS);
		if (connection == null) {
			throw new AssertionError("The agent did not connect");
		}
		return connection;
	}

	/**
	 * The next connection, if the agent opens one in time.
	 * @param timeout how long to wait
	 * @return the connection, or {@code null}
	 */
	Connection pollConnection(Duration timeout) throws InterruptedException {
		return this.connections.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() throws IOException {
		this.serverSocket.close();
	}

	private void acceptLoop() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket socket = this.serverSocket.accept();
				Connection connection = new Connection(socket);
				if (connection.handshake()) {
					this.connections.add(connection);
					Thread reader = new Thread(connection::readLoop, "fake-nexus-reader");
					reader.setDaemon(true);
					reader.start();
				}
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	/**
	 * One agent connection.
	 */
	static final class Connection {

		private final Socket socket;

		private final Map<String, String> headers = new ConcurrentHashMap<>();

		private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

		private volatile int closeCode = -1;

		Connection(Socket socket) {
			this.socket = socket;
		}

		String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

		/**
		 * The next text frame the agent sent.
		 * @return its JSON text
		 */
		String nextText() throws InterruptedException {
			String text = this.received.poll(10, TimeUnit.SECONDS);
			if (text == null) {
				throw new AssertionError("The agent sent nothing");
			}
			return text;
		}

		String pollText(long millis) throws InterruptedException {
			return this.received.poll(millis, TimeUnit.MILLISECONDS);
		}

		int closeCode() {
			return this.closeCode;
		}

		boolean isClosed() {
			return this.socket.isClosed();
		}

		synchronized void send(String text) throws IOException {
			writeFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
		}

		synchronized void close(int code, String reason) throws IOException {
			byte[] text = reason.getBytes(StandardCharsets.UTF_8);
			byte[] payload = new byte[text.length + 2];
			payload[0] = (byte) (code >> 8);
			payload[1] = (byte) code;
			System.arraycopy(text, 0, payload, 2, text.length);
			writeFrame(0x8, payload);
		}

		void drop() throws IOException {
			this.socket.close();
		}

		private boolean handshake() throws IOException {
			InputStream in = this.socket.getInputStream();
			StringBuilder request = new StringBuilder();
			while (!request.toString().endsWith("\r\n\r\n")) {
				int read = in.read();
				if (read < 0) {
					return false;
				}
				request.append((char) read);
			}
			for (String line : request.toString().split("\r\n")) {
				int colon = line.indexOf(':');
				if (colon > 0) {
					this.headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
							line.substring(colon + 1).trim());
				}
			}
			String accept = accept(header("Sec-WebSocket-Key"));
			String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Accept: " + accept + "\r\n\r\n";
			this.socket.getOutputStream().write(response.getBytes(StandardCharsets.US_ASCII));
			return true;
		}

		private void readLoop() {
			try (DataInputStream in = new DataInputStream(this.socket.getInputStream())) {
				StringBuilder message = new StringBuilder();
				while (true) {
					int first = in.readUnsignedByte();
					int second = in.readUnsignedByte();
					long length = second & 0x7F;
					if (length == 126) {
						length = in.readUnsignedShort();
					}
					else if (length == 127) {
						length = in.readLong();
					}
					byte[] mask = new byte[4];
					in.readFully(mask);
					byte[] payload = new byte[(int) length];
					in.readFully(payload);
					for (int i = 0; i < payload.length; i++) {
						payload[i] ^= mask[i % 4];
					}
					int opcode = first & 0x0F;
					if (opcode == 0x8) {
						this.closeCode = (payload.length >= 2) ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF)
								: 1005;
						synchronized (this) {
							writeFrame(0x8, payload);
						}
						this.socket.close();
						return;
					}
					if (opcode == 0x1 || opcode == 0x0) {
						message.append(new String(payload, StandardCharsets.UTF_8));
						if ((first & 0x80) != 0) {
							this.received.add(message.toString());
							message.setLength(0);
						}
					}
				}
			}
			catch (IOException ex) {
				// the agent went away
			}
		}

		private void writeFrame(int opcode, byte[] payload) throws IOException {
			OutputStream out = this.socket.getOutputStream();
			out.write(0x80 | opcode);
			if (payload.length < 126) {
				out.write(payload.length);
			}
			else {
				out.write(126);
				out.write(payload.length >> 8);
				out.write(payload.length);
			}
			out.write(payload);
			out.flush();
		}

		private static String accept(String key) {
			try {
				byte[] digest = MessageDigest.getInstance("SHA-1")
					.digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
				return Base64.getEncoder().encodeToString(digest);
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
