package io.nexus.server.shared;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

/**
 * The string holds no control characters other than tab, line feed and carriage return
 * (and none at all when {@link #multiline()} is false). PostgreSQL refuses NUL in text,
 * and control characters in names only ever serve to deceive.
 */
@Documented
@Constraint(validatedBy = PlainTextValidator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE,
		ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
public @interface PlainText {

	String message() default "must not contain control characters";

	boolean multiline() default false;

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

}
