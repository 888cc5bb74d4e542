package io.nexus.server.agents.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.nexus.server.shared.Limits;
import io.nexus.server.shared.PlainText;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.validation.Constraint;
import jakarta.validation.Payload;

/**
 * The value of an agent's label: plain text of bounded length. One home for a rule that
 * the registration and the update of an agent share; each composing constraint reports
 * its own violation, with its own message.
 */
@Documented
@NotNull
@Size(max = Limits.MAX_LABEL_VALUE)
@PlainText
@Constraint(validatedBy = {})
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE,
		ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@interface LabelValue {

	String message() default "";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

}
