package io.nexus.server.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP client for a running Nexus, speaking JSON over loopback.
 */
public final class ApiClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String base;

	private String token;

	public ApiClient(int port) {
		this.base = "http://localhost:" + port;
	}

	/**
	 * Logs in and keeps the token for later calls.
	 * @param username the user
	 * @param password the password
	 * @return this client
	 */
	public ApiClient login(String username, String password) {
		Response response = withoutToken().post("/api/auth/login",
				"{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
		if (response.status() != 200) {
			throw new IllegalStateException("login failed: " + response);
		}
		if (!response.json().has("access_token")) {
			throw new IllegalStateException("login answered without a token: " + response);
		}
		this.token = response.json().get("access_token").asString();
		return this;
	}

	public ApiClient withoutToken() {
		return new ApiClient(this.base, null);
	}

	public ApiClient withToken(String token) {
		return new ApiClient(this.base, token);
	}

	private ApiClient(String base, String token) {
		this.base = base;
		this.token = token;
	}

	public String token() {
		return this.token;
	}

	public Response get(String path) {
		return send("GET", path, BodyPublishers.noBody(), null);
	}

	public Response delete(String path) {
		return send("DELETE", path, BodyPublishers.noBody(), null);
	}

	public Response post(String path, String json) {
		return send("POST", path, BodyPublishers.ofString(json), "application/json");
	}

	public Response put(String path, String json) {
		return send("PUT", path, BodyPublishers.ofString(json), "application/json");
	}

	public Response send(String method, String path, BodyPublisher body, String contentType, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
			.timeout(Duration.ofSeconds(30))
			.method(method, body);
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		if (this.token != null) {
			request.header("Authorization", "Bearer " + this.token);
		}
		for (int i = 0; i + 1 < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		try {
			HttpResponse<String> response = this.http.send(request.build(), BodyHandlers.ofString());
			return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
					response.body(), response.headers());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * An HTTP answer.
	 *
	 * @param status the status code
	 * @param contentType the content type
	 * @param body the body text
	 * @param headers the headers
	 */
	public record Response(int status, String contentType, String body, java.net.http.HttpHeaders headers) {

		public String header(String name) {
			return this.headers.firstValue(name).orElse(null);
		}

		public JsonNode json() {
			return JSON.readTree(this.body);
		}

		public String field(String name) {
			return json().get(name).asString();
		}

		public boolean isProblem() {
			return this.contentType.startsWith("application/problem+json");
		}

		public String problemType() {
			return json().get("type").asString();
		}

	}

}
