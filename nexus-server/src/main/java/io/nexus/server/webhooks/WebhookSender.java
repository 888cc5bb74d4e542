package io.nexus.server.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Posts one signed event to a receiver: the host is resolved and checked before each
 * attempt, the connection and the answer each have a timeout, redirects are never
 * followed (a 3xx is a failed attempt), and the response body is never read (only the
 * status counts), so that no receiver can hold a delivery thread longer than the timeouts
 * or send it more than a status line and headers.
 */
@Component
class WebhookSender {

	private final HttpClient client;

	private final ReceiverAddresses addresses;

	private final WebhookProperties properties;

	WebhookSender(ReceiverAddresses addresses, WebhookProperties properties) {
		this.addresses = addresses;
		this.properties = properties;
		this.client = HttpClient.newBuilder()
			.connectTimeout(properties.connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.version(HttpClient.Version.HTTP_1_1)
			.build();
	}

	/**
	 * Sends a message.
	 * @param url the receiver
	 * @param messageId the {@code webhook-id}
	 * @param timestamp the {@code webhook-timestamp}
	 * @param signature the {@code webhook-signature}
	 * @param body the body
	 * @return what happened
	 */
	Result send(String url, String messageId, long timestamp, String signature, String body) {
		return send(url, messageId, timestamp, Map.of("webhook-signature", signature), body);
	}

	/**
	 * Sends a message with headers of its own beside {@code webhook-id} and
	 * {@code webhook-timestamp} (a delivery to a {@link WebhookTargets target}).
	 * @param url the receiver
	 * @param messageId the {@code webhook-id}
	 * @param timestamp the {@code webhook-timestamp}
	 * @param headers the other headers
	 * @param body the body
	 * @return what happened
	 */
	Result send(String url, String messageId, long timestamp, Map<String, String> headers, String body) {
		URI uri = URI.create(url);
		Optional<String> refused = this.addresses.refusal(uri);
		if (refused.isPresent()) {
			return new Result(null, "refused: " + refused.get());
		}
		HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
			.timeout(this.properties.requestTimeout())
			.header("content-type", "application/json")
			.header("user-agent", "Nexus-Webhooks/1")
			.header("webhook-id", messageId)
			.header("webhook-timestamp", Long.toString(timestamp));
		headers.forEach(builder::header);
		HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
		try {
			HttpResponse<InputStream> response = this.client.send(request, HttpResponse.BodyHandlers.ofInputStream());
			// the body is not read: closing it drops what the receiver still sends
			response.body().close();
			int status = response.statusCode();
			if (status >= 200 && status < 300) {
				return new Result(status, null);
			}
			if (status >= 300 && status < 400) {
				return new Result(status,
						"redirect to "
								+ response.headers().firstValue("location").map(WebhookSender::shorten).orElse("(none)")
								+ " not followed");
			}
			return new Result(status, "the receiver answered " + status);
		}
		catch (HttpTimeoutException ex) {
			return new Result(null, "timed out: " + ex.getMessage());
		}
		catch (IOException ex) {
			return new Result(null, ex.getClass().getSimpleName() + ": " + String.valueOf(ex.getMessage()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Result(null, "interrupted: the node is stopping");
		}
		catch (RuntimeException ex) {
			return new Result(null, "not sent: " + ex.getMessage());
		}
	}

	private static String shorten(String text) {
		return (text.length() > 200) ? text.substring(0, 200) + "..." : text;
	}

	/**
	 * The outcome of one attempt.
	 *
	 * @param statusCode the receiver's status, if it answered
	 * @param error why it failed, or {@code null} for a 2xx
	 */
	record Result(@Nullable Integer statusCode, @Nullable String error) {

		boolean delivered() {
			return this.error == null;
		}

	}

}
