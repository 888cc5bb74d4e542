package io.nexus.server.dashboard;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import io.nexus.server.agents.AgentSample;
import io.nexus.server.agents.AgentSamples;
import io.nexus.server.agents.SampleRange;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Chart definitions as JSON for {@code data-chart} attributes; {@code /js/dashboard.js}
 * draws them with Chart.js in the colours of the current theme ({@code tone} names a
 * theme colour: accent, ok, bad, warn, info, muted).
 */
@Component
class Charts {

	private final JsonMapper json;

	Charts(JsonMapper json) {
		this.json = json;
	}

	String chart(String type, Collection<String> labels, List<Map<String, Object>> datasets,
			Map<String, Object> options) {
		Map<String, Object> chart = new LinkedHashMap<>();
		chart.put("type", type);
		chart.put("labels", new ArrayList<>(labels));
		chart.put("datasets", datasets);
		chart.put("options", options);
		return this.json.writeValueAsString(chart);
	}

	static Map<String, Object> dataset(String label, String tone, Collection<?> data) {
		Map<String, Object> dataset = new LinkedHashMap<>();
		dataset.put("label", label);
		dataset.put("tone", tone);
		dataset.put("data", new ArrayList<>(data));
		return dataset;
	}

	String throughput(Series series) {
		return chart("bar", series.labels(),
				List.of(dataset("Completed", "ok", series.completed()), dataset("Failed", "bad", series.failed())),
				Map.of("stacked", true));
	}

	String completionRate(Series series) {
		return chart("line", series.labels(), List.of(dataset("Completion rate %", "accent", series.completionRate())),
				Map.of("percent", true));
	}

	String distribution(String label, Map<String, Long> values, String tone) {
		return chart("bar", values.keySet(), List.of(dataset(label, tone, values.values())),
				Map.of("horizontal", true));
	}

	/**
	 * One resource of an agent's history as a line chart of every bucket of the range,
	 * average and peak; buckets without samples are gaps.
	 * @param history the history
	 * @param average the average of a bucket
	 * @param peak the peak of a bucket
	 * @return the chart
	 */
	String resource(AgentSamples.History history, Function<AgentSample, @Nullable Double> average,
			Function<AgentSample, @Nullable Double> peak) {
		int count = SampleRange.BUCKETS;
		long size = history.bucket().toSeconds();
		@Nullable Double[] averages = new Double[count];
		@Nullable Double[] peaks = new Double[count];
		for (AgentSample sample : history.points()) {
			int index = (int) ((sample.at().getEpochSecond() - history.start().getEpochSecond()) / size);
			if (index >= 0 && index < count) {
				averages[index] = round(average.apply(sample));
				peaks[index] = round(peak.apply(sample));
			}
		}
		DateTimeFormatter format = DateTimeFormatter
			.ofPattern((history.range() == SampleRange.WEEK) ? "MMM d HH:mm"
					: (history.range() == SampleRange.HOUR) ? "HH:mm:ss" : "HH:mm", Locale.ROOT)
			.withZone(ZoneOffset.UTC);
		List<String> labels = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			Instant at = history.start().plusSeconds(i * size);
			labels.add(format.format(at));
		}
		return chart("line", labels, List.of(dataset("Average %", "accent", Arrays.asList(averages)),
				dataset("Peak %", "warn", Arrays.asList(peaks))), Map.of("percent", true, "dense", true));
	}

	private static @Nullable Double round(@Nullable Double value) {
		return (value != null) ? Math.round(value * 10) / 10.0 : null;
	}

}
