package io.nexus.server.tasks;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON Schema subset that answers are checked against: each keyword, the path of the
 * first misfit, and schemas that use keywords outside the subset.
 */
class AnswerSchemaTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void checksTypesIncludingListsAndIntegers() {
		assertThat(fits("{\"type\":\"integer\"}", "3")).isTrue();
		assertThat(fits("{\"type\":\"integer\"}", "3.0")).isTrue();
		assertThat(misfit("{\"type\":\"integer\"}", "3.5")).isEqualTo("$: expected integer, got number");
		assertThat(fits("{\"type\":[\"string\",\"null\"]}", "null")).isTrue();
		assertThat(misfit("{\"type\":\"boolean\"}", "\"yes\"")).isEqualTo("$: expected boolean, got string");
	}

	@Test
	void checksObjectsWithRequiredAndAdditionalProperties() {
		String schema = """
				{"type":"object","required":["name"],"additionalProperties":false,
				 "properties":{"name":{"type":"string","minLength":2,"maxLength":5},"age":{"minimum":0,"maximum":150}}}""";
		assertThat(fits(schema, "{\"name\":\"Ada\",\"age\":36}")).isTrue();
		assertThat(misfit(schema, "{\"age\":36}")).isEqualTo("$.name: is required");
		assertThat(misfit(schema, "{\"name\":\"Ada\",\"x\":1}")).isEqualTo("$.x: is not an allowed property");
		assertThat(misfit(schema, "{\"name\":\"A\"}")).startsWith("$.name: must be at least 2");
		assertThat(misfit(schema, "{\"name\":\"Adalovelace\"}")).startsWith("$.name: must be at most 5");
		assertThat(misfit(schema, "{\"name\":\"Ada\",\"age\":-1}")).isEqualTo("$.age: must be at least 0");
		assertThat(misfit(schema, "{\"name\":\"Ada\",\"age\":151}")).isEqualTo("$.age: must be at most 150");
		assertThat(misfit("{\"additionalProperties\":{\"type\":\"number\"}}", "{\"a\":1,\"b\":\"2\"}"))
			.isEqualTo("$.b: expected number, got string");
	}

	@Test
	void checksArrayItemsAndEnumerations() {
		String schema = "{\"type\":\"array\",\"items\":{\"enum\":[\"eu\",\"us\",1]}}";
		assertThat(fits(schema, "[\"eu\",1.0,\"us\"]")).isTrue();
		assertThat(misfit(schema, "[\"eu\",\"mars\"]")).isEqualTo("$[1]: must be one of [\"eu\",\"us\",1]");
		assertThat(fits("{}", "{\"anything\":[1,2,{\"goes\":true}]}")).isTrue();
	}

	@Test
	void refusesSchemasOutsideTheSubset() {
		assertThat(AnswerSchema.problem(tree("{\"$ref\":\"#/x\"}"))).contains("'$ref'");
		assertThat(AnswerSchema.problem(tree("{\"properties\":{\"a\":{\"oneOf\":[]}}}"))).contains("properties.a")
			.contains("'oneOf'");
		assertThat(AnswerSchema.problem(tree("{\"type\":\"date\"}"))).contains("type must be one of");
		assertThat(AnswerSchema.problem(tree("[1]"))).contains("must be a JSON object");
		assertThat(AnswerSchema.problem(tree("{\"minLength\":-1}"))).contains("non-negative integer");
		assertThat(AnswerSchema.problem(tree("{\"enum\":[]}"))).contains("non-empty list");
		assertThat(AnswerSchema.problem(tree("{\"title\":\"t\",\"description\":\"d\",\"type\":\"string\"}"))).isNull();
		String deep = "{\"items\":".repeat(40) + "{}" + "}".repeat(40);
		assertThat(AnswerSchema.problem(tree(deep))).contains("deeper than 32");
	}

	private static boolean fits(String schema, String value) {
		assertThat(AnswerSchema.problem(tree(schema))).isNull();
		return AnswerSchema.violation(tree(schema), tree(value)) == null;
	}

	private static String misfit(String schema, String value) {
		AnswerSchema.Violation violation = AnswerSchema.violation(tree(schema), tree(value));
		assertThat(violation).as("%s should not fit %s", value, schema).isNotNull();
		return violation.path() + ": " + violation.message();
	}

	private static JsonNode tree(String json) {
		return JSON.readTree(json);
	}

}
