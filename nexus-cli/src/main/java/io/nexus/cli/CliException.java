package io.nexus.cli;

/**
 * A failure that {@code nexusctl} reports as one line on standard error, with its exit
 * code, instead of a stack trace.
 */
final class CliException extends RuntimeException {

	private final int exitCode;

	CliException(String message) {
		this(message, Nexusctl.EXIT_FAILURE);
	}

	CliException(String message, int exitCode) {
		super(message);
		this.exitCode = exitCode;
	}

	int exitCode() {
		return this.exitCode;
	}

}
