package io.nexus.server.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.Limits;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which agents a task may run on, by their labels, as Kubernetes selects nodes: every
 * label of {@code matchLabels} must be present with that value, and every expression must
 * hold. An agent without labels matches only a selector that asks nothing of them.
 *
 * @param matchLabels labels the agent must carry with these values
 * @param matchExpressions set expressions over the agent's labels, all of which must hold
 */
public record AgentSelector(@JsonProperty("match_labels") Map<String, String> matchLabels,
		@JsonProperty("match_expressions") List<Requirement> matchExpressions) {

	/** The most expressions a selector may hold. */
	public static final int MAX_EXPRESSIONS = 16;

	/** The most values one expression may list. */
	public static final int MAX_VALUES = 32;

	public AgentSelector {
		matchLabels = (matchLabels != null) ? new TreeMap<>(matchLabels) : Map.of();
		matchExpressions = (matchExpressions != null) ? new ArrayList<>(matchExpressions) : List.of();
	}

	/**
	 * A selector from a request, checked.
	 * @param matchLabels labels that must match, may be {@code null}
	 * @param matchExpressions expressions, may be {@code null}
	 * @return the selector
	 * @throws InvalidRequestException (422 {@code agent_selector_invalid}) for an unknown
	 * operator, values given to {@code Exists}/{@code DoesNotExist} or missing for
	 * {@code In}/{@code NotIn}, or too many of anything
	 */
	public static AgentSelector of(@Nullable Map<String, String> matchLabels,
			@Nullable List<Requirement> matchExpressions) {
		Map<String, String> labels = (matchLabels != null) ? matchLabels : Map.of();
		List<Requirement> expressions = (matchExpressions != null) ? matchExpressions : List.of();
		if (labels.size() > Limits.MAX_LABELS || expressions.size() > MAX_EXPRESSIONS) {
			throw invalid(
					"at most " + Limits.MAX_LABELS + " match_labels and " + MAX_EXPRESSIONS + " match_expressions");
		}
		labels.forEach((key, value) -> {
			if (key == null || !key.matches(Limits.LABEL_KEY_PATTERN) || value == null
					|| value.length() > Limits.MAX_LABEL_VALUE) {
				throw invalid("match_labels: '" + key + "' is not a label key with a value of at most "
						+ Limits.MAX_LABEL_VALUE + " characters");
			}
		});
		for (Requirement requirement : expressions) {
			if (requirement == null) {
				throw invalid("match_expressions: an expression is null");
			}
			requirement.check();
		}
		return new AgentSelector(labels, List.copyOf(expressions));
	}

	/**
	 * Whether an agent with these labels is selected.
	 * @param labels the agent's labels
	 * @return {@code true} if every label and expression holds
	 */
	public boolean matches(Map<String, String> labels) {
		for (Map.Entry<String, String> label : this.matchLabels.entrySet()) {
			if (!label.getValue().equals(labels.get(label.getKey()))) {
				return false;
			}
		}
		for (int i = 0; i < this.matchExpressions.size(); i++) {
			if (!this.matchExpressions.get(i).matches(labels)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * In words, for waiting reasons.
	 * @return such as {@code zone=eu, gpu In [a100, h100]}
	 */
	public String describe() {
		List<String> parts = new ArrayList<>();
		this.matchLabels.forEach((key, value) -> parts.add(key + "=" + value));
		for (Requirement requirement : this.matchExpressions) {
			parts.add(requirement.key() + " " + requirement.operator().wireName()
					+ (requirement.values().isEmpty() ? "" : " " + requirement.values()));
		}
		return String.join(", ", parts);
	}

	/**
	 * As stored.
	 * @return JSON text
	 */
	public String toJson() {
		return JsonMapper.shared().writeValueAsString(this);
	}

	/**
	 * From what {@link #toJson()} stored.
	 * @param json the text, may be {@code null}
	 * @return the selector, or {@code null}
	 */
	public static @Nullable AgentSelector fromJson(@Nullable String json) {
		return (json != null) ? JsonMapper.shared().readValue(json, AgentSelector.class) : null;
	}

	private static InvalidRequestException invalid(String message) {
		return InvalidRequestException.unprocessable("agent_selector_invalid", "agent_selector: " + message,
				Map.of("field", "agent_selector"));
	}

	/**
	 * One set expression.
	 *
	 * @param key the label key
	 * @param operator how it is tested
	 * @param values the values for {@code In} and {@code NotIn}
	 */
	public record Requirement(@JsonProperty("key") String key, @JsonProperty("operator") Operator operator,
			@JsonProperty("values") List<String> values) {

		public Requirement {
			values = (values != null) ? new ArrayList<>(values) : List.of();
		}

		void check() {
			if (this.key == null || !this.key.matches(Limits.LABEL_KEY_PATTERN)) {
				throw invalid("match_expressions: '" + this.key + "' is not a label key");
			}
			if (this.operator == null) {
				throw invalid("match_expressions: the operator of '" + this.key
						+ "' must be In, NotIn, Exists or DoesNotExist");
			}
			boolean needsValues = this.operator == Operator.IN || this.operator == Operator.NOT_IN;
			if (needsValues && this.values.isEmpty()) {
				throw invalid("match_expressions: " + this.operator.wireName() + " on '" + this.key
						+ "' needs at least one value");
			}
			if (!needsValues && !this.values.isEmpty()) {
				throw invalid(
						"match_expressions: " + this.operator.wireName() + " on '" + this.key + "' takes no values");
			}
			if (this.values.size() > MAX_VALUES || this.values.stream()
				.anyMatch((value) -> value == null || value.length() > Limits.MAX_LABEL_VALUE)) {
				throw invalid("match_expressions: at most " + MAX_VALUES + " values of at most "
						+ Limits.MAX_LABEL_VALUE + " characters");
			}
		}

		boolean matches(Map<String, String> labels) {
			String value = labels.get(this.key);
			return switch (this.operator) {
				case IN -> value != null && this.values.contains(value);
				case NOT_IN -> value == null || !this.values.contains(value);
				case EXISTS -> value != null;
				case DOES_NOT_EXIST -> value == null;
			};
		}

	}

	/**
	 * The operators of Kubernetes label selectors.
	 */
	public enum Operator {

		IN("In"), NOT_IN("NotIn"), EXISTS("Exists"), DOES_NOT_EXIST("DoesNotExist");

		private final String wireName;

		Operator(String wireName) {
			this.wireName = wireName;
		}

		@JsonValue
		public String wireName() {
			return this.wireName;
		}

		@JsonCreator
		public static @Nullable Operator fromWireName(String name) {
			for (Operator operator : values()) {
				if (operator.wireName.equals(name)) {
					return operator;
				}
			}
			return null;
		}

	}

}
