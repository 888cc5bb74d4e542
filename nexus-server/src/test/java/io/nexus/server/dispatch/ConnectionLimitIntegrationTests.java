package io.nexus.server.dispatch;

import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One address cannot hold more agent connections than the limit; those within it are
 * unaffected.
 */
@TestPropertySource(properties = "nexus.dispatch.max-connections-per-address=2")
class ConnectionLimitIntegrationTests extends ApiIntegrationTest {

	@Test
	void connectionsBeyondThePerAddressLimitAreClosed() {
		try (RawAgent first = RawAgent.connect(this.port); RawAgent second = RawAgent.connect(this.port)) {
			try (RawAgent third = RawAgent.connect(this.port)) {
				assertThat(third.awaitClose()).isEqualTo(4429);
			}
			second.send("{\"type\":\"heartbeat\"}");
			assertThat(second.next("error").get("code").asString()).isEqualTo("not_registered");
			assertThat(first.isClosed()).isFalse();
		}
	}

}
