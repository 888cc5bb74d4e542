package io.nexus.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SoakSamplerTests {

	private static final long MIB = 1024 * 1024;

	@Test
	@SuppressWarnings("unchecked")
	void flatWhenHeapThreadsAndFilesHold() {
		Report report = SoakSampler.report(samples(0, 0, 0), 30, 0.10, List.of());
		assertThat(report.data()).containsEntry("flat", true);
		assertThat(report.text()).contains("heap after GC (MiB)", "threads", "open file descriptors", "FLAT")
			.doesNotContain("NOT FLAT", "GROWS");
		assertThat((List<?>) report.data().get("timeline")).hasSize(12);
		assertThat((Map<String, Object>) report.data().get("heap_after_gc_mib")).containsEntry("first", 100.0);
	}

	@Test
	void notFlatWhenOneOfThemGrows() {
		Report fds = SoakSampler.report(samples(0, 0, 10), 30, 0.10, List.of());
		assertThat(fds.data()).containsEntry("flat", false);
		assertThat(fds.text()).contains("NOT FLAT");
		assertThat(fds.text().lines().filter((line) -> line.startsWith("open file descriptors"))).singleElement()
			.asString()
			.contains("GROWS");
		assertThat(SoakSampler.report(samples(3 * MIB, 0, 0), 30, 0.10, List.of()).data()).containsEntry("flat", false);
		assertThat(SoakSampler.report(samples(0, 4, 0), 30, 0.10, List.of()).data()).containsEntry("flat", false);
	}

	@Test
	void failedSamplesMakeTheSoakNotFlat() {
		Report report = SoakSampler.report(samples(0, 0, 0), 30, 0.10, List.of("jcmd failed"));
		assertThat(report.data()).containsEntry("flat", false).containsEntry("failed_samples", 1);
	}

	@Test
	void tooFewSamplesGiveNoVerdict() {
		Report report = SoakSampler.report(samples(0, 0, 0).subList(0, 3), 30, 0.10, List.of());
		assertThat(report.data()).containsEntry("flat", null);
		assertThat(report.text()).contains("fewer than 4 samples");
	}

	/**
	 * 12 samples, each gauge growing by the given step per sample from a steady start.
	 */
	private static List<SoakSampler.Sample> samples(long heapStep, int threadStep, int fdStep) {
		List<SoakSampler.Sample> samples = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			samples.add(new SoakSampler.Sample(30.0 * i,
					new ProcessGauges.Reading(100 * MIB + i * heapStep, 60 + i * threadStep, 50 + i * fdStep)));
		}
		return samples;
	}

}
