package io.nexus.server.agents.web;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registering and updating an agent check its capabilities, scores and labels by the same
 * rules (one home each), and report the same fields with the same messages.
 */
class AgentFieldConstraintsTests {

	private static final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

	@Test
	void registrationAndUpdateRefuseTheSameFieldsWithTheSameMessages() {
		List<String> capabilities = Arrays.asList("ok", "no spaces allowed", null);
		Map<String, String> labels = Map.of("bad key!", "v", "k", "x".repeat(10_000));
		Set<String> registration = violations(new RegisterAgentRequest(null, "name", capabilities, -1, 0, labels));
		Set<String> update = violations(new UpdateAgentRequest(null, null, null, capabilities, -1, 0, labels));
		assertThat(registration).isNotEmpty().isEqualTo(update);
		assertThat(registration).anyMatch((violation) -> violation.startsWith("capabilities[1]"))
			.anyMatch((violation) -> violation.startsWith("capabilities[2]"))
			.anyMatch((violation) -> violation.startsWith("priorityScore"))
			.anyMatch((violation) -> violation.startsWith("maxConcurrency"))
			.anyMatch((violation) -> violation.startsWith("labels<K>[bad key!]"))
			.anyMatch((violation) -> violation.startsWith("labels[k]"));
	}

	@Test
	void goodValuesPassBoth() {
		List<String> capabilities = List.of("gpu", "python-3.11");
		Map<String, String> labels = Map.of("zone", "eu-west-1");
		assertThat(violations(new RegisterAgentRequest(null, "name", capabilities, 50, 4, labels))).isEmpty();
		assertThat(violations(new UpdateAgentRequest(null, null, null, capabilities, 50, 4, labels))).isEmpty();
	}

	private static <T> Set<String> violations(T request) {
		return validator.validate(request)
			.stream()
			.map((ConstraintViolation<T> violation) -> violation.getPropertyPath() + ": " + violation.getMessage())
			.collect(Collectors.toSet());
	}

}
