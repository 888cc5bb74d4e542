package io.nexus.server.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import io.nexus.server.NexusApplication;
import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS from a generated PKCS12 keystore with HSTS, security headers, closed CORS, and API
 * rate limits, on servers of their own.
 */
class TransportSecurityIntegrationTests {

	private static final String H2 = "spring.datasource.url=jdbc:h2:mem:transport-%d;MODE=PostgreSQL;"
			+ "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";

	@Test
	void servesHttpsFromAPkcs12KeystoreWithHsts(@TempDir Path dir) throws Exception {
		Path keystore = dir.resolve("nexus.p12");
		Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
				"-genkeypair", "-alias", "nexus", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-storetype",
				"PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit-test", "-dname", "CN=localhost")
			.redirectErrorStream(true)
			.start();
		assertThat(keytool.waitFor()).isZero();
		assertThat(Files.exists(keystore)).isTrue();
		try (ConfigurableApplicationContext app = start("server.ssl.key-store=" + keystore,
				"server.ssl.key-store-type=PKCS12", "server.ssl.key-store-password=changeit-test",
				"nexus.env=production", "nexus.security.jwt-secret=" + "k9#Vq2!xR7wLp4@Zm8$Tb3^Nc6&Hd1*Jf5",
				"nexus.security.admin-password=tls-admin-password")) {
			int port = ((WebServerApplicationContext) app).getWebServer().getPort();
			HttpClient client = HttpClient.newBuilder().sslContext(trustAll()).build();
			HttpResponse<String> response = client
				.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/auth/login"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers
						.ofString("{\"username\":\"admin\",\"password\":\"tls-admin-password\"}"))
					.build(), HttpResponse.BodyHandlers.ofString());
			// production enforces MFA for admins: an admin who has not enrolled gets only
			// an
			// enrolment token
			assertThat(response.statusCode()).isEqualTo(403);
			assertThat(response.body()).contains("mfa_enrolment_required", "enrolment_token")
				.doesNotContain("access_token");
			assertThat(response.headers().firstValue("Strict-Transport-Security")).get()
				.asString()
				.contains("max-age=31536000");
		}
	}

	@Test
	void pagesCarrySecurityHeadersAndCorsIsClosed() {
		try (ConfigurableApplicationContext app = start("nexus.security.admin-password=headers-password")) {
			ApiClient api = new ApiClient(port(app));
			Response health = api.get("/health");
			assertThat(health.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
			assertThat(health.header("X-Content-Type-Options")).isEqualTo("nosniff");
			assertThat(health.header("X-Frame-Options")).isEqualTo("DENY");
			assertThat(health.header("Referrer-Policy")).isEqualTo("no-referrer");
			assertThat(health.header("Strict-Transport-Security")).as("no HSTS over plain HTTP").isNull();
			Response preflight = api.send("OPTIONS", "/api/tasks", HttpRequest.BodyPublishers.noBody(), null, "Origin",
					"https://evil.example", "Access-Control-Request-Method", "GET");
			assertThat(preflight.header("Access-Control-Allow-Origin")).as("no origin is allowed by default").isNull();
			assertThat(preflight.header("Access-Control-Allow-Methods")).isNull();
		}
	}

	@Test
	void apiRateLimitAnswers429WithRetryAfter() {
		try (ConfigurableApplicationContext app = start("nexus.security.admin-password=limits-password",
				"nexus.security.rate-limit.requests-per-second=1", "nexus.security.rate-limit.burst=3")) {
			ApiClient api = new ApiClient(port(app)).login("admin", "limits-password");
			List<Integer> statuses = new java.util.ArrayList<>();
			Response last = null;
			for (int i = 0; i < 5; i++) {
				last = api.get("/api/tasks");
				statuses.add(last.status());
			}
			assertThat(statuses).contains(200, 429);
			assertThat(last.status()).isEqualTo(429);
			assertThat(last.isProblem()).isTrue();
			assertThat(last.problemType()).isEqualTo("urn:nexus:problem:rate_limited");
			assertThat(Long.parseLong(last.header("Retry-After"))).isPositive();
		}
	}

	private static ConfigurableApplicationContext start(String... properties) {
		List<String> all = new java.util.ArrayList<>(List.of(properties));
		all.add("server.port=0");
		all.add(H2.formatted(System.nanoTime()));
		// Command-line arguments, so that they win over application.yml.
		return new SpringApplicationBuilder(NexusApplication.class)
			.run(all.stream().map((property) -> "--" + property).toArray(String[]::new));
	}

	private static int port(ConfigurableApplicationContext app) {
		return ((WebServerApplicationContext) app).getWebServer().getPort();
	}

	private static SSLContext trustAll() throws Exception {
		TrustManager trustAll = new X509TrustManager() {

			@Override
			public void checkClientTrusted(X509Certificate[] chain, String authType) {
			}

			@Override
			public void checkServerTrusted(X509Certificate[] chain, String authType) {
			}

			@Override
			public X509Certificate[] getAcceptedIssuers() {
				return new X509Certificate[0];
			}

		};
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, new TrustManager[] { trustAll }, new SecureRandom());
		return context;
	}

}
