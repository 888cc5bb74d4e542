package io.nexus.server.dashboard;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

}
