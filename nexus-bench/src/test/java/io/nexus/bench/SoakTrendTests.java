package io.nexus.bench;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SoakTrendTests {

	@Test
	void aSeriesThatSettlesAfterWarmUpIsFlat() {
		// the first quarter climbs (warm-up), then it hovers
		SoakTrend trend = SoakTrend.of(List.of(40, 60, 80, 100, 102, 98, 101, 99, 103, 100, 101, 104), 0.10);
		assertThat(trend.first()).isEqualTo(40);
		assertThat(trend.last()).isEqualTo(104);
		assertThat(trend.max()).isEqualTo(104);
		assertThat(trend.secondQuarter()).isEqualTo((100 + 102 + 98) / 3.0);
		assertThat(trend.lastQuarter()).isEqualTo((100 + 101 + 104) / 3.0);
		assertThat(trend.flat()).isTrue();
	}

	@Test
	void aSteadyClimbIsNotFlat() {
		List<Integer> leak = new ArrayList<>();
		for (int i = 0; i < 21; i++) {
			leak.add(100 + 5 * i);
		}
		SoakTrend trend = SoakTrend.of(leak, 0.10);
		assertThat(trend.flat()).isFalse();
		assertThat(trend.changePercent()).isGreaterThan(10);
		assertThat(trend.json()).containsEntry("flat", false).containsKey("change_pct");
	}

	@Test
	void theToleranceIsTheBoundary() {
		// second quarter 100, last quarter 110: exactly 10 %
		assertThat(SoakTrend.of(List.of(1, 100, 105, 110), 0.10).flat()).isTrue();
		assertThat(SoakTrend.of(List.of(1, 100, 105, 111), 0.10).flat()).isFalse();
		assertThat(SoakTrend.of(List.of(1, 100, 105, 111), 0.15).flat()).isTrue();
	}

	@Test
	void aFallIsFlat() {
		assertThat(SoakTrend.of(List.of(300, 300, 200, 100, 100), 0.10).flat()).isTrue();
	}

	@Test
	void needsFourSamples() {
		assertThatIllegalArgumentException().isThrownBy(() -> SoakTrend.of(List.of(1, 2, 3), 0.10))
			.withMessageContaining("at least 4");
	}

}
