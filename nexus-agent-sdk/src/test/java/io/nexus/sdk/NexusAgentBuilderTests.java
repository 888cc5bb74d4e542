package io.nexus.sdk;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class NexusAgentBuilderTests {

	private NexusAgentBuilder valid() {
		return NexusAgent.builder()
			.serverUri(URI.create("ws://localhost:4100/ws"))
			.token("nxa_x")
			.agentId("agent-1")
			.handler((task) -> null);
	}

	@Test
	void appliesDefaults() {
		AgentSettings settings = valid().settings();
		assertThat(settings.name()).isEqualTo("agent-1");
		assertThat(settings.maxConcurrency()).isEqualTo(1);
		assertThat(settings.capabilities()).isEmpty();
		assertThat(settings.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(settings.backoff()).isEqualTo(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)));
	}

	@Test
	void requiresExactlyOneCredential() {
		assertThatIllegalStateException().isThrownBy(() -> valid().enrollmentKey("nxe_key").build())
			.withMessageContaining("exactly one of token and enrollmentKey");
	}

	@Test
	void requiresTheEssentials() {
		assertThatIllegalStateException().isThrownBy(() -> NexusAgent.builder().build())
			.withMessageContaining("serverUri");
		assertThatIllegalStateException()
			.isThrownBy(() -> NexusAgent.builder().serverUri(URI.create("ws://h/ws")).token("t").build())
			.withMessageContaining("agentId");
		assertThatIllegalStateException()
			.isThrownBy(() -> NexusAgent.builder().serverUri(URI.create("ws://h/ws")).token("t").agentId("a").build())
			.withMessageContaining("handler");
	}

	@Test
	void refusesInvalidValues() {
		assertThatIllegalStateException().isThrownBy(() -> valid().serverUri(URI.create("http://h/ws")).build())
			.withMessageContaining("ws://");
		assertThatIllegalStateException().isThrownBy(() -> valid().maxConcurrency(0).build())
			.withMessageContaining("maxConcurrency");
		assertThatIllegalStateException()
			.isThrownBy(() -> valid().reconnectBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1)).build())
			.withMessageContaining("shorter than initial");
		assertThatIllegalStateException().isThrownBy(() -> valid().drainTimeout(Duration.ofSeconds(-1)).build())
			.withMessageContaining("drainTimeout");
	}

}
