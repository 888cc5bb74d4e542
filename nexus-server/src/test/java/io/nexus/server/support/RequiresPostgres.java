package io.nexus.server.support;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class when no PostgreSQL is reachable, or fails it when
 * {@code NEXUS_REQUIRE_SERVICES=true}.
 */
public class RequiresPostgres implements ExecutionCondition {

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		String reason = TestServices.postgresUnavailableReason();
		if (reason == null) {
			return ConditionEvaluationResult.enabled("PostgreSQL is reachable at " + TestServices.postgresUrl());
		}
		if (TestServices.servicesRequired()) {
			throw new IllegalStateException("NEXUS_REQUIRE_SERVICES=true but PostgreSQL at "
					+ TestServices.postgresUrl() + " is unreachable: " + reason);
		}
		return ConditionEvaluationResult.disabled("PostgreSQL unreachable (" + reason + "); skipped");
	}

}
