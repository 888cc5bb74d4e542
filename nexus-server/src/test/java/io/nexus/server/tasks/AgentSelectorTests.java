package io.nexus.server.tasks;

import java.util.List;
import java.util.Map;

import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.tasks.AgentSelector.Operator;
import io.nexus.server.tasks.AgentSelector.Requirement;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class AgentSelectorTests {

	private static final Map<String, String> EU_GPU = Map.of("zone", "eu", "gpu", "a100");

	@Test
	void matchLabelsNeedEveryLabelWithItsValue() {
		assertThat(AgentSelector.of(Map.of("zone", "eu"), null).matches(EU_GPU)).isTrue();
		assertThat(AgentSelector.of(Map.of("zone", "eu", "gpu", "h100"), null).matches(EU_GPU)).isFalse();
		assertThat(AgentSelector.of(Map.of("zone", "eu"), null).matches(Map.of())).isFalse();
	}

	@Test
	void setExpressionsWorkAsInKubernetes() {
		assertThat(select(new Requirement("gpu", Operator.IN, List.of("a100", "h100")))).isTrue();
		assertThat(select(new Requirement("gpu", Operator.NOT_IN, List.of("a100")))).isFalse();
		assertThat(select(new Requirement("tier", Operator.NOT_IN, List.of("gold")))).isTrue();
		assertThat(select(new Requirement("zone", Operator.EXISTS, List.of()))).isTrue();
		assertThat(select(new Requirement("zone", Operator.DOES_NOT_EXIST, List.of()))).isFalse();
		assertThat(select(new Requirement("spot", Operator.DOES_NOT_EXIST, null))).isTrue();
	}

	@Test
	void refusesExpressionsThatMakeNoSense() {
		for (Requirement bad : List.of(new Requirement("gpu", Operator.IN, List.of()),
				new Requirement("gpu", Operator.EXISTS, List.of("x")), new Requirement("gpu", null, List.of("x")),
				new Requirement("bad key!", Operator.EXISTS, null))) {
			assertThatExceptionOfType(InvalidRequestException.class)
				.isThrownBy(() -> AgentSelector.of(null, List.of(bad)))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo("agent_selector_invalid"));
		}
	}

	@Test
	void survivesStorage() {
		AgentSelector selector = AgentSelector.of(Map.of("zone", "eu"),
				List.of(new Requirement("gpu", Operator.NOT_IN, List.of("t4"))));
		assertThat(AgentSelector.fromJson(selector.toJson())).isEqualTo(selector);
		assertThat(selector.toJson()).contains("\"match_labels\"").contains("\"NotIn\"");
		assertThat(selector.describe()).isEqualTo("zone=eu, gpu NotIn [t4]");
	}

	private static boolean select(Requirement requirement) {
		return AgentSelector.of(null, List.of(requirement)).matches(EU_GPU);
	}

}
