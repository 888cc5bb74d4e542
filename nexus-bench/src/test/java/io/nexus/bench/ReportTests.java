package io.nexus.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTests {

	@Test
	void summarisesAHistogramInMilliseconds() {
		Histogram histogram = new Histogram(3);
		for (int i = 1; i <= 1000; i++) {
			histogram.recordValue(i * 1_000_000L);
		}
		LatencySummary summary = LatencySummary.of(histogram);
		assertThat(summary.count()).isEqualTo(1000);
		assertThat(summary.p50()).isBetween(499.0, 501.0);
		assertThat(summary.p99()).isBetween(989.0, 991.0);
		assertThat(summary.max()).isBetween(999.0, 1001.0);
		assertThat(summary.json()).containsKeys("p50_ms", "p99_9_ms", "max_ms");
	}

	@Test
	void writesFiguresAsTextAndData() {
		Report report = new Report("load").figure("created_per_s", "created/s", 1234.5)
			.latency("lat", "latency", LatencySummary.of(new Histogram(3)));
		assertThat(report.text()).contains("created/s").contains("1,234.5").contains("p99.9");
		assertThat(report.data()).containsEntry("kind", "load").containsEntry("created_per_s", 1234.5);
	}

	@Test
	void nestsAPartUnderItsKeyAndIndentsItsLines() {
		Report phase = new Report("phase").figure("tasks", "tasks", 5);
		Report report = new Report("closed-loop").part("bulk", "Bulk:", phase);
		assertThat(report.text()).startsWith("Bulk:\n  tasks ");
		assertThat(report.data()).containsEntry("bulk", phase.data());
	}

	@Test
	void addsUpHeapSamplesOfPrometheusText() {
		String text = """
				# HELP jvm_memory_used_bytes The amount of used memory
				jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.0E7
				jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.5E7
				jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.0E7
				""";
		assertThat(PrometheusText.sum(text, "jvm_memory_used_bytes", "area=\"heap\"")).isEqualTo(35_000_000L);
	}

	@Test
	void readsVmRss() {
		assertThat(ServerMemory.parseVmRss("Name:\tjava\nVmRSS:\t  204800 kB\nThreads:\t40\n"))
			.isEqualTo(204800L * 1024);
	}

}
