package io.nexus.protocol;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CloseCodeTests {

	@Test
	void eachCodeHasOneMeaning() {
		assertThat(Arrays.stream(CloseCode.values()).map(CloseCode::code)).doesNotHaveDuplicates();
	}

	@Test
	void looksUpCodesFromTheWire() {
		assertThat(CloseCode.of(4409)).contains(CloseCode.REPLACED);
		assertThat(CloseCode.of(4413)).isEmpty();
	}

	@Test
	void agentsStopOnlyWhenReconnectingCannotHelp() {
		assertThat(Arrays.stream(CloseCode.values()).filter((code) -> !code.reconnect()))
			.containsExactlyInAnyOrder(CloseCode.UNAUTHORIZED, CloseCode.AGENT_REMOVED, CloseCode.REPLACED);
	}

}
