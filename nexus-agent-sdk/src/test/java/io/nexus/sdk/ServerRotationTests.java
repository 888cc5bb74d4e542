package io.nexus.sdk;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ServerRotationTests {

	private static final URI A = URI.create("ws://node-a:4100/ws");

	private static final URI B = URI.create("ws://node-b:4100/ws");

	private static final URI C = URI.create("wss://node-c/ws");

	@Test
	void startsWithTheFirstAndGoesRoundInOrder() {
		ServerRotation rotation = new ServerRotation(List.of(A, B, C));
		assertThat(rotation.current()).isEqualTo(A);
		assertThat(rotation.advance()).isEqualTo(B);
		assertThat(rotation.current()).isEqualTo(B);
		assertThat(rotation.advance()).isEqualTo(C);
		assertThat(rotation.advance()).isEqualTo(A);
		assertThat(rotation.advance()).isEqualTo(B);
	}

	@Test
	void aSingleServerStaysTheSame() {
		ServerRotation rotation = new ServerRotation(List.of(A));
		assertThat(rotation.advance()).isEqualTo(A);
		assertThat(rotation.current()).isEqualTo(A);
	}

	@Test
	void needsAServer() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ServerRotation(List.of()));
	}

	@Test
	void theBuilderTakesSeveralUrisAndChecksEachOne() {
		NexusAgentBuilder builder = NexusAgent.builder().agentId("a").token("nxa_t").handler((task) -> null);
		assertThat(builder.serverUris(A, B).settings().serverUris()).containsExactly(A, B);
		assertThat(builder.serverUri(C).settings().serverUris()).containsExactly(C);
		assertThatIllegalStateException().isThrownBy(() -> builder.serverUris(A, URI.create("http://b/ws")).settings())
			.withMessageContaining("ws:// or wss://");
		assertThatIllegalStateException().isThrownBy(() -> builder.serverUris(List.of()).settings())
			.withMessageContaining("serverUri is required");
	}

}
