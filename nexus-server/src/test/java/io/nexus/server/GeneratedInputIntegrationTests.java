package io.nexus.server;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.HostileInputTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated hostile input to every REST operation of the OpenAPI document: control and
 * non-UTF-8 bytes, huge numbers and wrong types in every path variable, query parameter
 * and body field. No answer may be a 5xx or carry a stack trace, and a refused request
 * must store nothing. The generator is seeded, so a failure repeats; the rate limit is
 * off so that the test reaches validation rather than 429.
 */
@TestPropertySource(properties = "nexus.security.rate-limit.enabled=false")
class GeneratedInputIntegrationTests extends HostileInputTest {

	private static final long SEED = 0x16_2026L;

	private static final int MAX_CASES_PER_OPERATION = 10;

	/** Text that looks like a leaked stack trace or internal class name. */
	private static final List<String> LEAKS = List.of("Exception", "\tat ", "java.", "org.springframework",
			"io.nexus.server", "org.postgresql", "org.h2");

	private JsonNode document;

	/**
	 * A generated body may be a valid emergency stop: it must not hold the agents of the
	 * test classes that share this context.
	 */
	@AfterEach
	void resumeTheFleet() {
		this.api.post("/api/fleet/resume", "{}");
	}

	@Test
	void everyOperationSurvivesGeneratedInput() {
		this.document = this.api.get("/v3/api-docs").json();
		Random random = new Random(SEED);
		List<String> failures = new ArrayList<>();
		int operations = 0;
		int requests = 0;
		for (Map.Entry<String, JsonNode> path : this.document.get("paths").properties()) {
			for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
				String method = operation.getKey().toUpperCase(Locale.ROOT);
				Operation op = new Operation(method, path.getKey(), operation.getValue(), this.document);
				operations++;
				int cases = Math.min(MAX_CASES_PER_OPERATION, Math.max(4, 2 * op.slots().size()));
				for (int i = 0; i < cases; i++) {
					Slot slot = op.slots().isEmpty() ? null
							: op.slots().get((i < op.slots().size()) ? i : random.nextInt(op.slots().size()));
					check(op, op.request(slot, random, this.task, this.agent), failures);
					requests++;
				}
			}
		}
		assertThat(operations).as("operations in the OpenAPI document").isGreaterThan(40);
		assertThat(requests).isGreaterThan(250);
		assertThat(failures).isEmpty();
	}

	private void check(Operation op, GeneratedRequest request, List<String> failures) {
		Map<String, Long> before = counts();
		Response response = this.api.send(request.method(), request.uri(),
				(request.body() != null) ? BodyPublishers.ofByteArray(request.body()) : BodyPublishers.noBody(),
				(request.body() != null) ? "application/json" : null);
		String what = request.method() + " " + request.uri() + " ("
				+ ((request.body() != null) ? abbreviate(new String(request.body(), StandardCharsets.UTF_8)) : "")
				+ ") -> " + response.status() + " " + abbreviate(response.body());
		if (response.status() >= 500) {
			failures.add("server error: " + what);
		}
		if (LEAKS.stream().anyMatch(response.body()::contains)) {
			failures.add("internals in the body: " + what);
		}
		if (response.status() >= 400) {
			if (!response.isProblem() && !op.path().startsWith("/metrics")) {
				failures.add("not a problem: " + what);
			}
			Map<String, Long> after = counts();
			if (!after.equals(before)) {
				failures.add("refused but stored: " + what + " " + before + " -> " + after);
			}
		}
		if ((response.status() == 401 || op.path().contains("logout"))
				&& this.api.get("/api/auth/sessions").status() == 401) {
			// a generated logout ended the session: carry on with a new one
			this.api = new ApiClient(this.port).login("admin", ADMIN_PASSWORD);
		}
	}

	private static String abbreviate(String text) {
		String line = text.replaceAll("\\p{Cntrl}", "?");
		return (line.length() > 300) ? line.substring(0, 300) + "..." : line;
	}

	/**
	 * A request ready to send: a URI that is already percent-encoded, a body in bytes.
	 */
	record GeneratedRequest(String method, String uri, byte[] body) {
	}

	/** Where a generated value goes. */
	record Slot(Kind kind, String name, String type) {

		enum Kind {

			PATH, QUERY, FIELD, BODY

		}

	}

	/**
	 * One operation of the document, its slots and a plausible value for each, so that
	 * one hostile value at a time reaches validation.
	 */
	record Operation(String method, String path, JsonNode spec, JsonNode document) {

		List<Slot> slots() {
			List<Slot> slots = new ArrayList<>();
			for (JsonNode parameter : this.spec.path("parameters")) {
				String in = parameter.path("in").asString("");
				String type = parameter.path("schema").path("type").asString("string");
				if (in.equals("path")) {
					slots.add(new Slot(Slot.Kind.PATH, parameter.path("name").asString(), type));
				}
				else if (in.equals("query")) {
					slots.add(new Slot(Slot.Kind.QUERY, parameter.path("name").asString(), type));
				}
			}
			JsonNode schema = bodySchema();
			if (schema != null) {
				slots.add(new Slot(Slot.Kind.BODY, "", "object"));
				for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
					slots.add(new Slot(Slot.Kind.FIELD, property.getKey(), typeOf(property.getValue())));
				}
			}
			return slots;
		}

		GeneratedRequest request(Slot slot, Random random, String task, String agent) {
			String uri = this.path;
			for (JsonNode parameter : this.spec.path("parameters")) {
				if (parameter.path("in").asString("").equals("path")) {
					String name = parameter.path("name").asString();
					String value = (slot != null && slot.kind() == Slot.Kind.PATH && slot.name().equals(name))
							? Values.encoded(Values.hostileText(random)) : plausibleId(task, agent);
					uri = uri.replace("{" + name + "}", value);
				}
			}
			if (slot != null && slot.kind() == Slot.Kind.QUERY) {
				uri += "?" + slot.name() + "=" + Values.encoded(Values.hostileQueryValue(random));
				if (random.nextBoolean()) {
					uri += "&" + slot.name() + "=" + Values.encoded(Values.hostileQueryValue(random));
				}
			}
			JsonNode schema = bodySchema();
			if (schema == null) {
				return new GeneratedRequest(this.method, uri,
						(slot == null && random.nextBoolean()) ? Values.hostileDocument(random) : null);
			}
			if (slot != null && slot.kind() == Slot.Kind.BODY) {
				return new GeneratedRequest(this.method, uri, Values.hostileDocument(random));
			}
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			write(body, "{");
			boolean first = true;
			for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
				write(body, (first ? "" : ",") + "\"" + property.getKey() + "\":");
				first = false;
				if (slot != null && slot.kind() == Slot.Kind.FIELD && slot.name().equals(property.getKey())) {
					body.writeBytes(Values.hostileJson(random));
				}
				else {
					write(body, plausible(property.getValue()));
				}
			}
			write(body, "}");
			return new GeneratedRequest(this.method, uri, body.toByteArray());
		}

		private String plausibleId(String task, String agent) {
			if (this.path.startsWith("/api/tasks/")) {
				return task;
			}
			return this.path.startsWith("/api/agents/") ? agent : "generated1";
		}

		private JsonNode bodySchema() {
			JsonNode content = this.spec.path("requestBody").path("content");
			JsonNode schema = content.path("application/json").path("schema");
			if (schema.isMissingNode()) {
				return null;
			}
			return resolve(schema);
		}

		private JsonNode resolve(JsonNode schema) {
			String ref = schema.path("$ref").asString("");
			if (ref.startsWith("#/components/schemas/")) {
				return this.document.path("components")
					.path("schemas")
					.path(ref.substring("#/components/schemas/".length()));
			}
			return schema;
		}

		private String typeOf(JsonNode property) {
			JsonNode resolved = resolve(property);
			return resolved.path("type").asString(resolved.has("properties") ? "object" : "string");
		}

		private String plausible(JsonNode property) {
			JsonNode resolved = resolve(property);
			if (resolved.has("enum")) {
				return "\"" + resolved.get("enum").get(0).asString() + "\"";
			}
			return switch (typeOf(property)) {
				case "integer", "number" -> "1";
				case "boolean" -> "false";
				case "array" -> "[]";
				case "object" -> "{}";
				default -> "\"generated\"";
			};
		}

		private static void write(ByteArrayOutputStream out, String text) {
			out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
		}

	}

	/** Hostile values of every sort. */
	static final class Values {

		private static final List<String> NUMBERS = List.of("-1", "0", "99999999999999999999999999",
				"-9223372036854775809", "9223372036854775808", "2147483648", "1e309", "-1e309", "1.5", "NaN",
				"Infinity", "0x10", "1e-400", "00012");

		private static final List<String> WORDS = List.of("true", "null", "[]", "{}", "../../etc/passwd", "<script>",
				"' OR 1=1 --", "%", "%zz", "\u202e", "\uffff", "\ud83d\ude00");

		private Values() {
		}

		/** Text with controls, numbers, words, long runs; chars may be any code unit. */
		static String hostileText(Random random) {
			return switch (random.nextInt(6)) {
				case 0 -> NUMBERS.get(random.nextInt(NUMBERS.size()));
				case 1 -> WORDS.get(random.nextInt(WORDS.size()));
				case 2 -> "x".repeat(1 + random.nextInt(5_000));
				default -> {
					StringBuilder text = new StringBuilder();
					int length = 1 + random.nextInt(40);
					for (int i = 0; i < length; i++) {
						text.append((char) (random.nextBoolean() ? random.nextInt(0x20) : random.nextInt(0x10000)));
					}
					yield text.toString();
				}
			};
		}

		/** A query value: text, or raw bytes that are not UTF-8. */
		static Object hostileQueryValue(Random random) {
			return random.nextInt(3) == 0 ? randomBytes(random) : hostileText(random);
		}

		/**
		 * Percent-encodes every byte of a value (text as UTF-8, lone surrogates included
		 * as '?', or raw bytes), so that the server sees exactly these bytes.
		 */
		static String encoded(Object value) {
			byte[] bytes = (value instanceof byte[] raw) ? raw : ((String) value).getBytes(StandardCharsets.UTF_8);
			StringBuilder out = new StringBuilder();
			for (byte b : bytes) {
				out.append('%').append(String.format("%02X", b & 0xff));
			}
			return out.toString();
		}

		/** A JSON value (or not quite JSON) of a wrong, huge or hostile kind. */
		static byte[] hostileJson(Random random) {
			return switch (random.nextInt(9)) {
				case 0 -> ascii(NUMBERS.get(random.nextInt(NUMBERS.size())));
				case 1 -> ascii(List.of("true", "null", "[]", "{}", "[null]", "[[1]]", "{\"a\":{}}", "\"\"")
					.get(random.nextInt(8)));
				case 2 -> ascii("\"" + jsonEscaped(hostileText(random)) + "\"");
				case 3 -> concat(ascii("\""), randomBytes(random), ascii("\""));
				case 4 -> ascii("[" + "\"a\",".repeat(random.nextInt(3_000)) + "\"a\"]");
				case 5 -> ascii("[".repeat(2_000) + "]".repeat(2_000));
				case 6 -> ascii("\"" + "\\u0000".repeat(1 + random.nextInt(10)) + "\"");
				case 7 -> ascii("\"\\ud800\"");
				default ->
					ascii("{\"" + jsonEscaped(hostileText(random)) + "\":" + NUMBERS.get(random.nextInt(3)) + "}");
			};
		}

		/** A whole body that is not the object the operation wants. */
		static byte[] hostileDocument(Random random) {
			return switch (random.nextInt(6)) {
				case 0 -> randomBytes(random);
				case 1 -> ascii("{\"unterminated\": ");
				case 2 -> hostileJson(random);
				case 3 -> ascii("[{}]");
				case 4 -> concat(ascii("{\"title\":\""), new byte[] { (byte) 0xc3, 0x28 }, ascii("\"}"));
				default -> ascii("");
			};
		}

		private static byte[] randomBytes(Random random) {
			byte[] bytes = new byte[1 + random.nextInt(24)];
			random.nextBytes(bytes);
			bytes[0] = (byte) (0x80 | bytes[0]);
			return bytes;
		}

		private static String jsonEscaped(String text) {
			StringBuilder out = new StringBuilder();
			for (char c : text.toCharArray()) {
				if (c == '"' || c == '\\' || c < 0x20 || Character.isSurrogate(c)) {
					out.append(String.format("\\u%04x", (int) c));
				}
				else {
					out.append(c);
				}
			}
			return out.toString();
		}

		private static byte[] ascii(String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}

		private static byte[] concat(byte[]... parts) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			for (byte[] part : parts) {
				out.writeBytes(part);
			}
			return out.toByteArray();
		}

	}

}
