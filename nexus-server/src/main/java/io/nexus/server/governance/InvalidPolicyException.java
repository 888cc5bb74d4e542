package io.nexus.server.governance;

import java.util.Map;

import io.nexus.server.shared.NexusException;

/**
 * A policy that cannot be saved: its CEL does not compile, names an unknown variable, is
 * not a boolean, is too long or could cost too much to evaluate.
 */
public class InvalidPolicyException extends NexusException {

	InvalidPolicyException(String code, String message, Map<String, Object> properties) {
		super(Kind.UNPROCESSABLE, code, message, properties);
	}

}
