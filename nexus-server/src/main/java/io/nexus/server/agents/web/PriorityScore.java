package io.nexus.server.agents.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.nexus.server.shared.Limits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.Constraint;
import jakarta.validation.Payload;

/**
 * An agent's {@code priority_score}, 0 to {@link Limits#MAX_PRIORITY_SCORE}. One home for
 * a rule that the registration and the update of an agent share; each composing
 * constraint reports its own violation, with its own message.
 */
@Documented
@Min(0)
@Max(Limits.MAX_PRIORITY_SCORE)
@Constraint(validatedBy = {})
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE,
		ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@interface PriorityScore {

	String message() default "";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

}
