package io.nexus.server.support;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class when no Redis is reachable at {@link TestServices#redisUrl()}, or
 * fails it when {@code NEXUS_REQUIRE_SERVICES=true}. Use it with
 * {@code @ExtendWith(RequiresRedis.class)}.
 */
public class RequiresRedis implements ExecutionCondition {

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		String reason = TestServices.redisUnavailableReason();
		if (reason == null) {
			return ConditionEvaluationResult.enabled("Redis is reachable at " + TestServices.redisUrl());
		}
		if (TestServices.servicesRequired()) {
			throw new IllegalStateException("NEXUS_REQUIRE_SERVICES=true but Redis at " + TestServices.redisUrl()
					+ " is unreachable: " + reason);
		}
		return ConditionEvaluationResult.disabled("Redis unreachable (" + reason + "); skipped");
	}

}
