package io.nexus.server.governance;

import java.util.Map;
import java.util.Optional;

import dev.cel.common.CelAbstractSyntaxTree;
import io.nexus.server.agents.Agent;
import org.jspecify.annotations.Nullable;

/**
 * A policy condition of a common shape compiled to plain Java that allocates nothing when
 * it runs: comparisons of the task's and agent's strings and integers, label look-ups and
 * membership ({@code 'zone' in agent.labels}, {@code agent.labels['zone'] in ['eu']},
 * {@code 'build' in task.capabilities}), {@code startsWith}/{@code endsWith}/
 * {@code contains}, {@code size} of lists and maps, and {@code !}, {@code &&},
 * {@code ||}, {@code ? :} over them. Anything else (comprehensions, regular expressions,
 * arithmetic, doubles, timestamps) stays with the CEL runtime.
 * <p>
 * The result is CEL's: {@code &&} and {@code ||} absorb an error on one side when the
 * other side decides ({@code false && error} is {@code false}). When a plain condition
 * ends in an error (a missing label, say), the caller evaluates the CEL program instead,
 * which fails with CEL's own error: the plain form only ever answers what CEL would.
 */
@FunctionalInterface
interface PlainCondition {

	/** The condition does not hold. */
	byte FALSE = 0;

	/** The condition holds. */
	byte TRUE = 1;

	/** The condition fails to evaluate; CEL says how. */
	byte ERROR = 2;

	/**
	 * Evaluates the condition.
	 * @param task the task's variables ({@link PolicyVariables#of})
	 * @param agent the agent, {@code null} for a {@code match} condition
	 * @return {@link #TRUE}, {@link #FALSE} or {@link #ERROR}
	 */
	byte test(Map<String, Object> task, @Nullable Agent agent);

	/**
	 * Compiles a checked condition to plain Java if all of it has a plain form.
	 * @param ast the checked condition
	 * @return the plain condition, or empty if some part needs the CEL runtime
	 */
	static Optional<PlainCondition> of(CelAbstractSyntaxTree ast) {
		return PlainConditionTranslator.translate(ast);
	}

	/** A string; {@code null} when it fails (a label the agent does not have). */
	@FunctionalInterface
	interface Text {

		@Nullable String value(Map<String, Object> task, @Nullable Agent agent);

	}

	/** An integer; the variables and sizes it reads never fail. */
	@FunctionalInterface
	interface Number {

		long value(Map<String, Object> task, @Nullable Agent agent);

	}

	/** A list of strings, or the keys of a map, that {@code in} looks into. */
	@FunctionalInterface
	interface Strings {

		boolean contains(Map<String, Object> task, @Nullable Agent agent, String value);

	}

}
