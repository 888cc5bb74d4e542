package io.nexus.server.agents.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.nexus.server.shared.Limits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.Constraint;
import jakarta.validation.Payload;

/**
 * A capability an agent offers: a name of letters, digits, {@code -}, {@code _} and
 * {@code .}. One home for a rule that the registration and the update of an agent share;
 * each composing constraint reports its own violation, with its own message.
 */
@Documented
@NotNull
@Pattern(regexp = Limits.NAME_PATTERN)
@Constraint(validatedBy = {})
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE,
		ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@interface CapabilityName {

	String message() default "";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

}
