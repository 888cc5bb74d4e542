package io.nexus.server.shared;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/**
 * Checks {@link PlainText}.
 */
public class PlainTextValidator implements ConstraintValidator<PlainText, String> {

	private boolean multiline;

	@Override
	public void initialize(PlainText annotation) {
		this.multiline = annotation.multiline();
	}

	@Override
	public boolean isValid(String value, ConstraintValidatorContext context) {
		if (value == null) {
			return true;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			boolean allowedWhitespace = this.multiline && (c == '\n' || c == '\r' || c == '\t');
			if ((Character.isISOControl(c) && !allowedWhitespace)
					|| Character.getType(c) == Character.SURROGATE && !validSurrogate(value, i)) {
				return false;
			}
		}
		return true;
	}

	private static boolean validSurrogate(String value, int i) {
		char c = value.charAt(i);
		if (Character.isHighSurrogate(c)) {
			return i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
		}
		return i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
	}

}
