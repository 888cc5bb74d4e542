package io.nexus.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST API of one Nexus, seen from the command line: JSON in and out, a bearer token
 * obtained once per run, and every failure turned into a {@link CliException} that says
 * what to do about it.
 */
final class NexusClient {

	private final URI baseUrl;

	private final HttpClient http;

	private final JsonMapper json;

	private final Credentials credentials;

	private final Duration timeout;

	private @Nullable String token;

	NexusClient(URI baseUrl, HttpClient http, JsonMapper json, Credentials credentials, Duration timeout) {
		this.baseUrl = baseUrl;
		this.http = http;
		this.json = json;
		this.credentials = credentials;
		this.timeout = timeout;
		this.token = credentials.token();
	}

	URI baseUrl() {
		return this.baseUrl;
	}

	HttpClient http() {
		return this.http;
	}

	JsonMapper json() {
		return this.json;
	}

	boolean hasCredentials() {
		return this.credentials.present();
	}

	/** GET an API resource as the logged-in user; fails unless the answer is 2xx. */
	JsonNode get(String path) {
		return expectSuccess(send("GET", path, null, true));
	}

	/** POST to an API resource as the logged-in user; fails unless the answer is 2xx. */
	JsonNode post(String path, @Nullable Object body) {
		return expectSuccess(send("POST", path, body, true));
	}

	/**
	 * Sends one request and returns whatever status comes back; fails only when the
	 * server cannot be reached (or, with {@code authenticated}, when no token can be
	 * had).
	 */
	Reply send(String method, String path, @Nullable Object body, boolean authenticated) {
		HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path)).timeout(this.timeout);
		request.header("Accept", "application/json, application/problem+json, text/plain;q=0.9");
		if (authenticated) {
			request.header("Authorization", "Bearer " + token());
		}
		if (body != null) {
			request.header("Content-Type", "application/json");
			request.method(method, HttpRequest.BodyPublishers.ofString(this.json.writeValueAsString(body)));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		long start = System.nanoTime();
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			long latency = (System.nanoTime() - start) / 1_000_000;
			return new Reply(response.statusCode(), response.body(),
					response.headers().firstValue("Content-Type").orElse(""), latency);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("interrupted");
		}
		catch (IOException ex) {
			throw new CliException(unreachable(ex));
		}
	}

	/** The bearer token: the one given, or one from logging in with user and password. */
	String token() {
		if (this.token == null) {
			this.token = login();
		}
		return this.token;
	}

	JsonNode parse(String body) {
		try {
			return this.json.readTree(body);
		}
		catch (JacksonException ex) {
			throw new CliException("Nexus at " + this.baseUrl + " answered with something that is not JSON");
		}
	}

	private String login() {
		String user = this.credentials.user();
		String password = this.credentials.password();
		if (user == null || password == null) {
			throw new CliException("not logged in: set NEXUS_TOKEN (or --token), or NEXUS_USER and NEXUS_PASSWORD");
		}
		Reply reply = send("POST", "/api/auth/login", Map.of("username", user, "password", password), false);
		if (reply.status() == 401) {
			throw new CliException("login as '" + user + "' refused: wrong user name or password (401)");
		}
		JsonNode answer = expectSuccess(reply);
		String accessToken = answer.path("access_token").asString("");
		if (accessToken.isEmpty()) {
			throw new CliException("login answer from " + this.baseUrl + " carries no access_token");
		}
		return accessToken;
	}

	private JsonNode expectSuccess(Reply reply) {
		if (reply.status() >= 200 && reply.status() < 300) {
			return reply.body().isBlank() ? this.json.createObjectNode() : parse(reply.body());
		}
		throw new CliException(describeError(reply));
	}

	private String describeError(Reply reply) {
		String code = null;
		String detail = null;
		if (reply.contentType().contains("json") && !reply.body().isBlank()) {
			try {
				JsonNode problem = this.json.readTree(reply.body());
				String type = problem.path("type").asString("");
				code = type.startsWith("urn:nexus:problem:") ? type.substring("urn:nexus:problem:".length()) : null;
				detail = problem.path("detail").asString(null);
			}
			catch (JacksonException ex) {
				// not a problem document: fall back to the status alone
			}
		}
		String label = "HTTP " + reply.status() + ((code != null) ? " " + code : "");
		return switch (reply.status()) {
			case 401 -> label + ": the token is missing, invalid or expired; set NEXUS_TOKEN (or --token), "
					+ "or NEXUS_USER and NEXUS_PASSWORD";
			case 403 -> label + ": the user's role does not allow this" + suffix(detail);
			case 404 -> label + ": not found" + suffix(detail);
			default -> label + suffix(detail);
		};
	}

	private static String suffix(@Nullable String detail) {
		return (detail != null && !detail.isBlank()) ? " (" + detail + ")" : "";
	}

	private URI resolve(String path) {
		String base = this.baseUrl.toString();
		return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
	}

	private String unreachable(IOException ex) {
		String where = "cannot reach Nexus at " + this.baseUrl + ": ";
		if (ex instanceof HttpConnectTimeoutException) {
			return where + "connection timed out";
		}
		if (ex instanceof HttpTimeoutException) {
			return where + "no answer within " + this.timeout.toSeconds() + " s";
		}
		if (ex instanceof ConnectException || ex.getCause() instanceof ConnectException) {
			return where + "connection refused (is it running? set NEXUS_URL or --url)";
		}
		return where + ((ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName());
	}

	/**
	 * One HTTP answer.
	 *
	 * @param status the status code
	 * @param body the body as text
	 * @param contentType the {@code Content-Type}, or empty
	 * @param latencyMillis time from sending to the complete answer
	 */
	record Reply(int status, String body, String contentType, long latencyMillis) {

	}

}
