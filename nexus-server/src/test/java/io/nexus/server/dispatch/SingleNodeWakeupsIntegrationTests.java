package io.nexus.server.dispatch;

import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On embedded H2, which serves one node, nothing listens and nothing is notified.
 */
class SingleNodeWakeupsIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private ClusterWakeups wakeups;

	@Test
	void nothingListensOrNotifiesOnH2() {
		assertThat(this.api.post("/api/tasks", "{\"title\":\"local\",\"category\":\"nobody\"}").status())
			.isEqualTo(201);
		assertThat(this.wakeups.channel()).isNull();
		assertThat(this.wakeups.isListening()).isFalse();
		assertThat(this.wakeups.sent()).isZero();
	}

}
