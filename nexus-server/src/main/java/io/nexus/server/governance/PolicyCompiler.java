package io.nexus.server.governance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Compiles the CEL conditions of placement policies once, when they are saved or read
 * from the database, into programs that dispatch evaluates in process. {@code match} sees
 * the task's variables only; {@code require} sees the task's and the agent's
 * ({@link PolicyVariables}). A condition must be a boolean of at most
 * {@value #MAX_EXPRESSION} characters whose comprehensions stay within
 * {@value #MAX_ITERATIONS} iterations in all.
 */
@Component
public class PolicyCompiler {

	/** The longest condition, in characters. */
	public static final int MAX_EXPRESSION = 2_000;

	/**
	 * The iterations of comprehensions ({@code all}, {@code exists}, ...) one evaluation
	 * may make.
	 */
	public static final int MAX_ITERATIONS = 500;

	private static final CelOptions OPTIONS = CelOptions.current()
		.maxExpressionCodePointSize(MAX_EXPRESSION)
		.maxParseRecursionDepth(32)
		.maxParseExpressionNodeCount(500)
		.comprehensionMaxIterations(MAX_ITERATIONS)
		.build();

	private final Cel taskOnly = environment(PolicyVariables.TASK);

	private final Cel taskAndAgent = environment(PolicyVariables.ALL);

	private final boolean plain;

	PolicyCompiler() {
		this(true);
	}

	/**
	 * A compiler that may leave every condition to CEL, for the benchmark's baseline.
	 * @param plain whether conditions of the common shapes run as plain Java
	 */
	PolicyCompiler(boolean plain) {
		this.plain = plain;
	}

	private static Cel environment(Map<String, CelType> variables) {
		var builder = CelFactory.standardCelBuilder()
			.setOptions(OPTIONS)
			.setStandardMacros(CelStandardMacro.STANDARD_MACROS)
			.setResultType(SimpleType.BOOL);
		variables.forEach(builder::addVar);
		return builder.build();
	}

	/**
	 * Compiles a policy, or says precisely why it cannot be.
	 * @param definition the policy
	 * @return its programs
	 * @throws InvalidPolicyException if a condition does not compile, is not a boolean,
	 * names an unknown variable, or exceeds the iteration bound on the largest task and
	 * agent the API accepts
	 */
	public Programs compile(PlacementPolicy.Definition definition) {
		Condition match = compile("match", definition.match(), this.taskOnly);
		Condition require = null;
		if (definition.effect() == PlacementPolicy.Effect.REQUIRE) {
			if (definition.require() == null || definition.require().isBlank()) {
				throw new InvalidPolicyException("policy_invalid",
						"A policy with effect require needs a require condition over task.* and agent.*",
						Map.of("field", "require"));
			}
			require = compile("require", definition.require(), this.taskAndAgent);
		}
		else if (definition.require() != null && !definition.require().isBlank()) {
			throw new InvalidPolicyException("policy_invalid",
					"A policy with effect " + definition.effect().wireName() + " takes no require condition",
					Map.of("field", "require"));
		}
		if ((definition.effect() == PlacementPolicy.Effect.REQUIRE_APPROVAL) != (definition.approval() != null)) {
			throw new InvalidPolicyException("policy_invalid",
					(definition.approval() == null) ? "A policy with effect require_approval needs an approval"
							: "Only a policy with effect require_approval takes an approval",
					Map.of("field", "approval"));
		}
		if ((definition.effect() == PlacementPolicy.Effect.BUDGET) != (definition.budget() != null)) {
			throw new InvalidPolicyException("policy_invalid", (definition.budget() == null)
					? "A policy with effect budget needs a budget" : "Only a policy with effect budget takes a budget",
					Map.of("field", "budget"));
		}
		return new Programs(match.program(), require != null ? require.program() : null, match.plain(),
				require != null ? require.plain() : null);
	}

	private Condition compile(String field, String expression, Cel cel) {
		if (expression.length() > MAX_EXPRESSION) {
			throw new InvalidPolicyException("policy_too_long",
					"The " + field + " condition has " + expression.length() + " characters; at most " + MAX_EXPRESSION,
					Map.of("field", field, "max", MAX_EXPRESSION));
		}
		CelValidationResult result = cel.compile(expression);
		if (result.hasError()) {
			List<Map<String, Object>> errors = new ArrayList<>();
			for (CelIssue issue : result.getErrors()) {
				Map<String, Object> error = new HashMap<>();
				error.put("line", issue.getSourceLocation().getLine());
				error.put("column", issue.getSourceLocation().getColumn() + 1);
				error.put("message", issue.getMessage());
				errors.add(error);
			}
			CelIssue first = result.getErrors().get(0);
			throw new InvalidPolicyException("policy_invalid",
					"The " + field + " condition does not compile: " + first.getMessage() + " (line "
							+ first.getSourceLocation().getLine() + ", column "
							+ (first.getSourceLocation().getColumn() + 1) + ")",
					Map.of("field", field, "errors", errors));
		}
		CelRuntime.Program program;
		CelAbstractSyntaxTree ast;
		try {
			ast = result.getAst();
			program = cel.createProgram(ast);
		}
		catch (CelValidationException | CelEvaluationException ex) {
			throw new InvalidPolicyException("policy_invalid",
					"The " + field + " condition does not compile: " + ex.getMessage(), Map.of("field", field));
		}
		checkCost(field, program);
		return new Condition(program, this.plain ? PlainCondition.of(ast).orElse(null) : null);
	}

	private record Condition(CelRuntime.Program program, @Nullable PlainCondition plain) {

	}

	/**
	 * Runs the condition once on the largest task and agent the API accepts: one that
	 * runs out of iterations there would on a real pair too.
	 */
	private static void checkCost(String field, CelRuntime.Program program) {
		try {
			program.eval(PolicyVariables.largest());
		}
		catch (CelEvaluationException ex) {
			if (ex.getMessage() != null && ex.getMessage().contains("Iteration budget exceeded")) {
				throw new InvalidPolicyException("policy_too_costly", "The " + field
						+ " condition could take more than " + MAX_ITERATIONS + " iterations to evaluate",
						Map.of("field", field, "max_iterations", MAX_ITERATIONS));
			}
			// other errors (a missing label, say) depend on the pair: they deny it then
		}
	}

	/**
	 * A compiled policy's programs, with the plain Java form of each condition that has
	 * one ({@link PlainCondition}): dispatch runs that, and the CEL program only for the
	 * other conditions and to report an error.
	 *
	 * @param match over the task
	 * @param require over the task and agent, {@code null} for a deny policy
	 * @param plainMatch {@code match} in plain Java, {@code null} if it needs CEL
	 * @param plainRequire {@code require} in plain Java, {@code null} if it needs CEL or
	 * there is none
	 */
	public record Programs(CelRuntime.Program match, CelRuntime.@Nullable Program require,
			@Nullable PlainCondition plainMatch, @Nullable PlainCondition plainRequire) {

	}

}
