package io.nexus.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TraceparentTests {

	private static final String VALUE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

	@Test
	void readsAndWritesVersion00() {
		Traceparent parent = Traceparent.parse(VALUE);
		assertThat(parent).isNotNull();
		assertThat(parent.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
		assertThat(parent.spanId()).isEqualTo("00f067aa0ba902b7");
		assertThat(parent.sampled()).isTrue();
		assertThat(parent).hasToString(VALUE);
	}

	@Test
	void ignoresInvalidValues() {
		assertThat(Traceparent.parse(null)).isNull();
		assertThat(Traceparent.parse("")).isNull();
		assertThat(Traceparent.parse(VALUE.toUpperCase())).isNull();
		assertThat(Traceparent.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isNull();
		assertThat(Traceparent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).isNull();
		assertThat(Traceparent.parse("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isNull();
		assertThat(Traceparent.parse(VALUE + "-extra")).isNull();
		assertThat(Traceparent.parse("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isNull();
	}

	@Test
	void acceptsTheFirstFieldsOfALaterVersion() {
		Traceparent parent = Traceparent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-more");
		assertThat(parent).isNotNull();
		assertThat(parent.sampled()).isFalse();
	}

	@Test
	void childKeepsTraceAndFlagsWithANewSpan() {
		Traceparent parent = Traceparent.parse(VALUE);
		Traceparent child = parent.child();
		assertThat(child.traceId()).isEqualTo(parent.traceId());
		assertThat(child.flags()).isEqualTo(parent.flags());
		assertThat(child.spanId()).isNotEqualTo(parent.spanId()).matches("[0-9a-f]{16}");
	}

}
