package io.nexus.server.tasks;

import java.math.BigDecimal;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The subset of JSON Schema that answers to an agent's question are checked against:
 * {@code type} (one name or a list), {@code properties}, {@code required},
 * {@code additionalProperties} (a boolean or a schema), {@code items}, {@code enum},
 * {@code minimum}, {@code maximum}, {@code minLength} and {@code maxLength}. The
 * annotations {@code $schema}, {@code $id}, {@code title}, {@code description},
 * {@code default} and {@code examples} are allowed and ignored; any other keyword makes
 * the schema invalid, so that a schema never seems to check what it does not.
 */
final class AnswerSchema {

	/** How deeply schemas and answers may nest. */
	static final int MAX_DEPTH = 32;

	private static final Set<String> KEYWORDS = Set.of("type", "properties", "required", "additionalProperties",
			"items", "enum", "minimum", "maximum", "minLength", "maxLength");

	private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "title", "description", "default",
			"examples");

	private static final Set<String> TYPES = Set.of("object", "array", "string", "number", "integer", "boolean",
			"null");

	private AnswerSchema() {
	}

	/**
	 * Checks that a schema uses only the supported subset, correctly.
	 * @param schema the schema
	 * @return why it is not a valid schema, or {@code null} if it is
	 */
	static @Nullable String problem(JsonNode schema) {
		return problem(schema, "", 0);
	}

	private static @Nullable String problem(JsonNode schema, String at, int depth) {
		if (depth > MAX_DEPTH) {
			return "schema nests deeper than " + MAX_DEPTH + " levels";
		}
		if (!schema.isObject()) {
			return "schema" + at + " must be a JSON object";
		}
		for (String keyword : schema.propertyNames()) {
			if (!KEYWORDS.contains(keyword) && !ANNOTATIONS.contains(keyword)) {
				return "schema" + at + " uses '" + keyword + "', which Nexus does not support (supported: "
						+ String.join(", ", KEYWORDS.stream().sorted().toList()) + ")";
			}
		}
		JsonNode type = schema.get("type");
		if (type != null) {
			boolean valid = (type.isString() && TYPES.contains(type.stringValue()))
					|| (type.isArray() && !type.isEmpty()
							&& type.values().stream().allMatch((t) -> t.isString() && TYPES.contains(t.stringValue())));
			if (!valid) {
				return "schema" + at + ".type must be one of " + TYPES.stream().sorted().toList()
						+ " or a list of them";
			}
		}
		JsonNode properties = schema.get("properties");
		if (properties != null) {
			if (!properties.isObject()) {
				return "schema" + at + ".properties must be an object";
			}
			for (String name : properties.propertyNames()) {
				String nested = problem(properties.get(name), at + ".properties." + name, depth + 1);
				if (nested != null) {
					return nested;
				}
			}
		}
		JsonNode required = schema.get("required");
		if (required != null && !(required.isArray() && required.values().stream().allMatch(JsonNode::isString))) {
			return "schema" + at + ".required must be a list of property names";
		}
		JsonNode additional = schema.get("additionalProperties");
		if (additional != null && !additional.isBoolean()) {
			String nested = problem(additional, at + ".additionalProperties", depth + 1);
			if (nested != null) {
				return nested;
			}
		}
		JsonNode items = schema.get("items");
		if (items != null) {
			String nested = problem(items, at + ".items", depth + 1);
			if (nested != null) {
				return nested;
			}
		}
		JsonNode enumeration = schema.get("enum");
		if (enumeration != null && !(enumeration.isArray() && !enumeration.isEmpty())) {
			return "schema" + at + ".enum must be a non-empty list";
		}
		for (String bound : new String[] { "minimum", "maximum" }) {
			JsonNode value = schema.get(bound);
			if (value != null && !value.isNumber()) {
				return "schema" + at + "." + bound + " must be a number";
			}
		}
		for (String bound : new String[] { "minLength", "maxLength" }) {
			JsonNode value = schema.get(bound);
			if (value != null && !(value.isIntegralNumber() && value.asLong() >= 0)) {
				return "schema" + at + "." + bound + " must be a non-negative integer";
			}
		}
		return null;
	}

	/**
	 * Checks an answer against a schema that passed {@link #problem}.
	 * @param schema the schema
	 * @param value the answer
	 * @return the first place where the answer does not fit, or {@code null} if it fits
	 */
	static @Nullable Violation violation(JsonNode schema, JsonNode value) {
		return violation(schema, value, "$", 0);
	}

	private static @Nullable Violation violation(JsonNode schema, JsonNode value, String path, int depth) {
		if (depth > MAX_DEPTH) {
			return new Violation(path, "the answer nests deeper than " + MAX_DEPTH + " levels");
		}
		JsonNode type = schema.get("type");
		if (type != null && !hasType(type, value)) {
			return new Violation(path,
					"expected " + (type.isArray() ? "one of " + type : type.stringValue()) + ", got " + typeOf(value));
		}
		JsonNode enumeration = schema.get("enum");
		if (enumeration != null && enumeration.values().stream().noneMatch((allowed) -> same(allowed, value))) {
			return new Violation(path, "must be one of " + enumeration);
		}
		if (value.isNumber()) {
			BigDecimal number = decimal(value);
			JsonNode minimum = schema.get("minimum");
			if (minimum != null && number.compareTo(decimal(minimum)) < 0) {
				return new Violation(path, "must be at least " + minimum);
			}
			JsonNode maximum = schema.get("maximum");
			if (maximum != null && number.compareTo(decimal(maximum)) > 0) {
				return new Violation(path, "must be at most " + maximum);
			}
		}
		if (value.isString()) {
			int length = value.stringValue().codePointCount(0, value.stringValue().length());
			JsonNode minLength = schema.get("minLength");
			if (minLength != null && length < minLength.asLong()) {
				return new Violation(path, "must be at least " + minLength + " characters long");
			}
			JsonNode maxLength = schema.get("maxLength");
			if (maxLength != null && length > maxLength.asLong()) {
				return new Violation(path, "must be at most " + maxLength + " characters long");
			}
		}
		if (value.isObject()) {
			return objectViolation(schema, value, path, depth);
		}
		JsonNode items = schema.get("items");
		if (value.isArray() && items != null) {
			for (int i = 0; i < value.size(); i++) {
				Violation nested = violation(items, value.get(i), path + "[" + i + "]", depth + 1);
				if (nested != null) {
					return nested;
				}
			}
		}
		return null;
	}

	private static @Nullable Violation objectViolation(JsonNode schema, JsonNode value, String path, int depth) {
		JsonNode required = schema.get("required");
		if (required != null) {
			for (JsonNode name : required.values()) {
				if (value.get(name.stringValue()) == null) {
					return new Violation(path + "." + name.stringValue(), "is required");
				}
			}
		}
		JsonNode properties = schema.get("properties");
		JsonNode additional = schema.get("additionalProperties");
		for (String name : value.propertyNames()) {
			JsonNode declared = (properties != null) ? properties.get(name) : null;
			JsonNode rule = (declared != null) ? declared
					: (additional != null && additional.isObject()) ? additional : null;
			if (declared == null && additional != null && additional.isBoolean() && !additional.asBoolean()) {
				return new Violation(path + "." + name, "is not an allowed property");
			}
			if (rule != null) {
				Violation nested = violation(rule, value.get(name), path + "." + name, depth + 1);
				if (nested != null) {
					return nested;
				}
			}
		}
		return null;
	}

	private static boolean hasType(JsonNode type, JsonNode value) {
		if (type.isArray()) {
			return type.values().stream().anyMatch((one) -> hasType(one, value));
		}
		return switch (type.stringValue()) {
			case "object" -> value.isObject();
			case "array" -> value.isArray();
			case "string" -> value.isString();
			case "number" -> value.isNumber();
			case "integer" ->
				value.isIntegralNumber() || (value.isNumber() && decimal(value).stripTrailingZeros().scale() <= 0);
			case "boolean" -> value.isBoolean();
			case "null" -> value.isNull();
			default -> false;
		};
	}

	private static String typeOf(JsonNode value) {
		if (value.isObject()) {
			return "object";
		}
		if (value.isArray()) {
			return "array";
		}
		if (value.isString()) {
			return "string";
		}
		if (value.isNumber()) {
			return value.isIntegralNumber() ? "integer" : "number";
		}
		if (value.isBoolean()) {
			return "boolean";
		}
		return "null";
	}

	private static boolean same(JsonNode allowed, JsonNode value) {
		if (allowed.isNumber() && value.isNumber()) {
			return decimal(allowed).compareTo(decimal(value)) == 0;
		}
		return allowed.equals(value);
	}

	private static BigDecimal decimal(JsonNode number) {
		return new BigDecimal(number.numberValue().toString());
	}

	/**
	 * Where and why an answer does not fit its schema.
	 *
	 * @param path the JSON path of the value, such as {@code $.items[2].name}
	 * @param message what is wrong
	 */
	record Violation(String path, String message) {

	}

}
