package io.nexus.server.shared;

import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NotBlankWhenPresentTests {

	private static ValidatorFactory factory;

	private static Validator validator;

	@BeforeAll
	static void validator() {
		factory = Validation.buildDefaultValidatorFactory();
		validator = factory.getValidator();
	}

	@AfterAll
	static void close() {
		factory.close();
	}

	@Test
	void absentMeansUnchanged() {
		assertThat(validator.validate(new Rename(null))).isEmpty();
	}

	@Test
	void givenItMustHoldMoreThanWhiteSpace() {
		assertThat(validator.validate(new Rename("  new\\nname "))).isEmpty();
		Set<ConstraintViolation<Rename>> blank = validator.validate(new Rename(" \t\n"));
		assertThat(blank).singleElement()
			.satisfies((violation) -> assertThat(violation.getMessage()).isEqualTo("must not be blank"));
		assertThat(validator.validate(new Rename(""))).hasSize(1);
	}

	record Rename(@Nullable @NotBlankWhenPresent String name) {

	}

}
