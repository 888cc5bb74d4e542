package io.nexus.cli;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The smallest WebSocket server that serves the health check: it completes the RFC 6455
 * handshake (101), answers {@code agent_register} with {@code registered} and echoes a
 * close.
 */
final class FakeWebSocketServer implements AutoCloseable {

	private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

	private final ServerSocket server;

	private final List<String> received = new CopyOnWriteArrayList<>();

	FakeWebSocketServer() throws IOException {
		this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::acceptLoop, "fake-ws");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	String url() {
		return "ws://127.0.0.1:" + this.server.getLocalPort() + "/ws";
	}

	List<String> received() {
		return this.received;
	}

	private void acceptLoop() {
		while (!this.server.isClosed()) {
			try (Socket socket = this.server.accept()) {
				serve(socket);
			}
			catch (IOException ex) {
				// the client went away or the server was closed: wait for the next one
			}
		}
	}

	private void serve(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		OutputStream out = socket.getOutputStream();
		String key = null;
		for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
			if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
				key = line.substring(line.indexOf(':') + 1).trim();
			}
		}
		out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Accept: " + accept(key) + "\r\n\r\n")
			.getBytes(StandardCharsets.ISO_8859_1));
		out.flush();
		DataInputStream frames = new DataInputStream(in);
		while (true) {
			int opcode = frames.readUnsignedByte() & 0x0F;
			int length = frames.readUnsignedByte() & 0x7F;
			if (length == 126) {
				length = frames.readUnsignedShort();
			}
			byte[] mask = frames.readNBytes(4);
			byte[] payload = frames.readNBytes(length);
			for (int i = 0; i < payload.length; i++) {
				payload[i] ^= mask[i % 4];
			}
			if (opcode == 0x8) {
				out.write(new byte[] { (byte) 0x88, 0 });
				out.flush();
				return;
			}
			String text = new String(payload, StandardCharsets.UTF_8);
			this.received.add(text);
			if (text.contains("\"agent_register\"")) {
				byte[] reply = "{\"type\":\"registered\",\"agent_id\":\"probe\"}".getBytes(StandardCharsets.UTF_8);
				out.write(new byte[] { (byte) 0x81, (byte) reply.length });
				out.write(reply);
				out.flush();
			}
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int b = in.read(); b != '\n'; b = in.read()) {
			if (b == -1) {
				throw new IOException("connection closed in the handshake");
			}
			if (b != '\r') {
				line.append((char) b);
			}
		}
		return line.toString();
	}

	private static String accept(String key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
			return Base64.getEncoder().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
	}

}
