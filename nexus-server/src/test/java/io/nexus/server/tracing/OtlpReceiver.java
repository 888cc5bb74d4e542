package io.nexus.server.tracing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * A tiny OTLP/HTTP collector for tests: accepts protobuf posts on {@code /v1/traces} and
 * keeps every span it receives.
 */
final class OtlpReceiver implements AutoCloseable {

	private final HttpServer server;

	private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

	OtlpReceiver() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
		this.server.createContext("/v1/traces", this::export);
		this.server.start();
	}

	String endpoint() {
		return "http://localhost:" + this.server.getAddress().getPort();
	}

	List<ReceivedSpan> spans() {
		return List.copyOf(this.spans);
	}

	List<ReceivedSpan> spansOf(String traceId) {
		return this.spans.stream().filter((span) -> span.traceId().equals(traceId)).toList();
	}

	private void export(HttpExchange exchange) throws IOException {
		try (exchange; InputStream body = exchange.getRequestBody()) {
			ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body.readAllBytes());
			for (ResourceSpans resource : request.getResourceSpansList()) {
				for (ScopeSpans scope : resource.getScopeSpansList()) {
					for (Span span : scope.getSpansList()) {
						this.spans.add(new ReceivedSpan(span.getName(), hex(span.getTraceId().toByteArray()),
								hex(span.getSpanId().toByteArray()), hex(span.getParentSpanId().toByteArray()),
								span.getAttributesList()
									.stream()
									.filter((attribute) -> attribute.getKey().equals("nexus.task.id"))
									.map((attribute) -> attribute.getValue().getStringValue())
									.findFirst()
									.orElse(null)));
					}
				}
			}
			byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
			exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
			exchange.sendResponseHeaders(200, answer.length);
			exchange.getResponseBody().write(answer);
		}
	}

	private static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(bytes);
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	/**
	 * A span as the receiver got it.
	 *
	 * @param name its name
	 * @param traceId its trace, in hex
	 * @param spanId its id, in hex
	 * @param parentSpanId its parent's id, in hex (empty for a root)
	 * @param taskId its {@code nexus.task.id} attribute
	 */
	record ReceivedSpan(String name, String traceId, String spanId, String parentSpanId, String taskId) {

	}

}
