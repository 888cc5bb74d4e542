package io.nexus.server.analytics.web;

import java.time.Duration;
import java.time.Instant;

import io.nexus.server.shared.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The range of an analytics request: named ranges, from/to, bucket sizes and refusals.
 */
class AnalyticsRangeTests {

	private static final Instant NOW = Instant.parse("2026-12-04T03:30:00Z");

	@ParameterizedTest
	@CsvSource({ "1h, PT1H, PT1M", "6h, PT6H, PT5M", "24h, PT24H, PT15M", "7d, P7D, PT3H", "30d, P30D, PT12H" })
	void namedRangesEndNowWithAtMostAHundredBuckets(String name, Duration length, Duration bucket) {
		AnalyticsRange range = AnalyticsRange.parse(name, null, null, NOW);

		assertThat(range.to()).isEqualTo(NOW);
		assertThat(range.from()).isEqualTo(NOW.minus(length));
		assertThat(range.bucket()).isEqualTo(bucket);
		assertThat(length.dividedBy(bucket)).isLessThanOrEqualTo(100);
	}

	@Test
	void defaultIsTheLastDay() {
		assertThat(AnalyticsRange.parse(null, null, null, NOW).from()).isEqualTo(NOW.minus(Duration.ofDays(1)));
	}

	@Test
	void fromAndToGiveTheirOwnRange() {
		AnalyticsRange range = AnalyticsRange.parse(null, "2026-12-01T00:00:00Z", "2026-12-01T02:00:00Z", NOW);

		assertThat(range.from()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
		assertThat(range.to()).isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
		assertThat(range.bucket()).isEqualTo(Duration.ofMinutes(5));
		assertThat(AnalyticsRange.parse(null, "2026-11-01T00:00:00Z", "2026-12-02T00:00:00Z", NOW).bucket())
			.isEqualTo(Duration.ofHours(12));
	}

	@ParameterizedTest
	@CsvSource(value = { "2w,,", "'',,", ",2026-12-01T00:00:00Z,", ",,2026-12-01T00:00:00Z",
			",2026-12-01,2026-12-02T00:00:00Z", ",2026-12-02T00:00:00Z,2026-12-02T00:00:00Z",
			",2026-10-01T00:00:00Z,2026-12-01T00:00:00Z", "1h,2026-12-01T00:00:00Z,2026-12-02T00:00:00Z" })
	void badRangesAreRefused(String range, String from, String to) {
		assertThatExceptionOfType(InvalidRequestException.class)
			.isThrownBy(() -> AnalyticsRange.parse(range, from, to, NOW))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_range"));
	}

}
