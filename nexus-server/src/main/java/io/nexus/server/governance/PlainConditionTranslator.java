package io.nexus.server.governance;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import io.nexus.server.governance.PlainCondition.Number;
import io.nexus.server.governance.PlainCondition.Strings;
import io.nexus.server.governance.PlainCondition.Text;
import org.jspecify.annotations.Nullable;

import static io.nexus.server.governance.PlainCondition.ERROR;
import static io.nexus.server.governance.PlainCondition.FALSE;
import static io.nexus.server.governance.PlainCondition.TRUE;

/**
 * Walks a checked condition and builds its {@link PlainCondition}, or gives up at the
 * first part that has no plain form.
 */
final class PlainConditionTranslator {

	private final CelAbstractSyntaxTree ast;

	private PlainConditionTranslator(CelAbstractSyntaxTree ast) {
		this.ast = ast;
	}

	static Optional<PlainCondition> translate(CelAbstractSyntaxTree ast) {
		try {
			return Optional.of(new PlainConditionTranslator(ast).condition(ast.getExpr()));
		}
		catch (Unsupported ex) {
			return Optional.empty();
		}
	}

	PlainCondition condition(CelExpr expr) {
		switch (expr.getKind()) {
			case CONSTANT -> {
				if (expr.constant().getKind() != CelConstant.Kind.BOOLEAN_VALUE) {
					throw new Unsupported();
				}
				byte value = expr.constant().booleanValue() ? TRUE : FALSE;
				return (task, agent) -> value;
			}
			case IDENT, SELECT -> {
				if (!"agent.enrolled".equals(variable(expr))) {
					throw new Unsupported();
				}
				return (task, agent) -> (agent != null && agent.enrollmentScope() != null) ? TRUE : FALSE;
			}
			case CALL -> {
				return call(expr.call());
			}
			default -> throw new Unsupported();
		}
	}

	private PlainCondition call(CelExpr.CelCall call) {
		List<CelExpr> args = call.args();
		if (call.target().isPresent()) {
			return method(call.function(), text(call.target().get()), args);
		}
		switch (call.function()) {
			case "!_" -> {
				PlainCondition operand = condition(args.get(0));
				return (task, agent) -> {
					byte value = operand.test(task, agent);
					return (value == ERROR) ? ERROR : (byte) (1 - value);
				};
			}
			case "_&&_" -> {
				PlainCondition left = condition(args.get(0));
				PlainCondition right = condition(args.get(1));
				return (task, agent) -> and(left.test(task, agent), right.test(task, agent));
			}
			case "_||_" -> {
				PlainCondition left = condition(args.get(0));
				PlainCondition right = condition(args.get(1));
				return (task, agent) -> or(left.test(task, agent), right.test(task, agent));
			}
			case "_?_:_" -> {
				PlainCondition test = condition(args.get(0));
				PlainCondition then = condition(args.get(1));
				PlainCondition otherwise = condition(args.get(2));
				return (task, agent) -> switch (test.test(task, agent)) {
					case TRUE -> then.test(task, agent);
					case FALSE -> otherwise.test(task, agent);
					default -> ERROR;
				};
			}
			case "@in" -> {
				Text value = text(args.get(0));
				Strings container = strings(args.get(1));
				return (task, agent) -> {
					String found = value.value(task, agent);
					return (found == null) ? ERROR : (container.contains(task, agent, found) ? TRUE : FALSE);
				};
			}
			case "_==_", "_!=_" -> {
				boolean equal = call.function().equals("_==_");
				return equality(args.get(0), args.get(1), equal);
			}
			case "_<_", "_<=_", "_>_", "_>=_" -> {
				return comparison(call.function(), number(args.get(0)), number(args.get(1)));
			}
			default -> throw new Unsupported();
		}
	}

	private PlainCondition method(String function, Text receiver, List<CelExpr> args) {
		if (args.size() != 1) {
			throw new Unsupported();
		}
		Text argument = text(args.get(0));
		return switch (function) {
			case "startsWith" -> (task, agent) -> {
				String value = receiver.value(task, agent);
				String prefix = argument.value(task, agent);
				return (value == null || prefix == null) ? ERROR : (value.startsWith(prefix) ? TRUE : FALSE);
			};
			case "endsWith" -> (task, agent) -> {
				String value = receiver.value(task, agent);
				String suffix = argument.value(task, agent);
				return (value == null || suffix == null) ? ERROR : (value.endsWith(suffix) ? TRUE : FALSE);
			};
			case "contains" -> (task, agent) -> {
				String value = receiver.value(task, agent);
				String part = argument.value(task, agent);
				return (value == null || part == null) ? ERROR : (value.contains(part) ? TRUE : FALSE);
			};
			default -> throw new Unsupported();
		};
	}

	private PlainCondition equality(CelExpr left, CelExpr right, boolean equal) {
		byte same = equal ? TRUE : FALSE;
		byte different = equal ? FALSE : TRUE;
		String type = type(left);
		if (!type.equals(type(right))) {
			throw new Unsupported();
		}
		switch (type) {
			case "string" -> {
				Text a = text(left);
				Text b = text(right);
				return (task, agent) -> {
					String x = a.value(task, agent);
					String y = b.value(task, agent);
					return (x == null || y == null) ? ERROR : (x.equals(y) ? same : different);
				};
			}
			case "int" -> {
				Number a = number(left);
				Number b = number(right);
				return (task, agent) -> (a.value(task, agent) == b.value(task, agent)) ? same : different;
			}
			case "bool" -> {
				PlainCondition a = condition(left);
				PlainCondition b = condition(right);
				return (task, agent) -> {
					byte x = a.test(task, agent);
					byte y = b.test(task, agent);
					return (x == ERROR || y == ERROR) ? ERROR : ((x == y) ? same : different);
				};
			}
			default -> throw new Unsupported();
		}
	}

	private static PlainCondition comparison(String function, Number left, Number right) {
		return switch (function) {
			case "_<_" -> (task, agent) -> (left.value(task, agent) < right.value(task, agent)) ? TRUE : FALSE;
			case "_<=_" -> (task, agent) -> (left.value(task, agent) <= right.value(task, agent)) ? TRUE : FALSE;
			case "_>_" -> (task, agent) -> (left.value(task, agent) > right.value(task, agent)) ? TRUE : FALSE;
			default -> (task, agent) -> (left.value(task, agent) >= right.value(task, agent)) ? TRUE : FALSE;
		};
	}

	private Text text(CelExpr expr) {
		if (expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT) {
			if (expr.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
				throw new Unsupported();
			}
			String value = expr.constant().stringValue();
			return (task, agent) -> value;
		}
		if (expr.getKind() == CelExpr.ExprKind.Kind.CALL && expr.call().function().equals("_[_]")
				&& expr.call().target().isEmpty() && "agent.labels".equals(variable(expr.call().args().get(0)))) {
			Text key = text(expr.call().args().get(1));
			return (task, agent) -> {
				String name = key.value(task, agent);
				return (agent == null || name == null) ? null : agent.labels().get(name);
			};
		}
		String name = variable(expr);
		if (name == null) {
			throw new Unsupported();
		}
		return switch (name) {
			case "task.id", "task.title", "task.category", "task.priority", "task.created_by" ->
				(task, agent) -> (String) task.get(name);
			case "agent.id" -> (task, agent) -> (agent != null) ? agent.id().value() : null;
			case "agent.name" -> (task, agent) -> (agent != null) ? agent.name() : null;
			default -> throw new Unsupported();
		};
	}

	private Number number(CelExpr expr) {
		if (expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT) {
			if (expr.constant().getKind() != CelConstant.Kind.INT64_VALUE) {
				throw new Unsupported();
			}
			long value = expr.constant().int64Value();
			return (task, agent) -> value;
		}
		if (expr.getKind() == CelExpr.ExprKind.Kind.CALL && expr.call().function().equals("size")) {
			CelExpr.CelCall call = expr.call();
			CelExpr operand = call.target().orElse(call.args().isEmpty() ? null : call.args().get(0));
			if (operand == null || call.args().size() != (call.target().isPresent() ? 0 : 1)) {
				throw new Unsupported();
			}
			return size(operand);
		}
		String name = variable(expr);
		if (name == null) {
			throw new Unsupported();
		}
		return switch (name) {
			case "task.max_attempts", "task.timeout_seconds" -> (task, agent) -> (Long) task.get(name);
			case "agent.priority_score" -> (task, agent) -> (agent != null) ? agent.priorityScore() : 0;
			case "agent.max_concurrency" -> (task, agent) -> (agent != null) ? agent.maxConcurrency() : 0;
			default -> throw new Unsupported();
		};
	}

	@SuppressWarnings("unchecked")
	private Number size(CelExpr operand) {
		String name = variable(operand);
		if (name == null) {
			throw new Unsupported();
		}
		return switch (name) {
			case "task.capabilities" -> (task, agent) -> ((List<String>) task.get(name)).size();
			case "agent.labels" -> (task, agent) -> (agent != null) ? agent.labels().size() : 0;
			case "agent.capabilities" -> (task, agent) -> (agent != null) ? agent.capabilities().size() : 0;
			case "agent.enrollment_scope" -> (task, agent) -> (agent != null && agent.enrollmentScope() != null)
					? agent.enrollmentScope().size() : 0;
			default -> throw new Unsupported();
		};
	}

	@SuppressWarnings("unchecked")
	private Strings strings(CelExpr expr) {
		if (expr.getKind() == CelExpr.ExprKind.Kind.LIST) {
			Set<String> values = new HashSet<>();
			for (CelExpr element : expr.list().elements()) {
				if (element.getKind() != CelExpr.ExprKind.Kind.CONSTANT
						|| element.constant().getKind() != CelConstant.Kind.STRING_VALUE
						|| !expr.list().optionalIndices().isEmpty()) {
					throw new Unsupported();
				}
				values.add(element.constant().stringValue());
			}
			Set<String> set = Set.copyOf(values);
			return (task, agent, value) -> set.contains(value);
		}
		String name = variable(expr);
		if (name == null) {
			throw new Unsupported();
		}
		return switch (name) {
			case "task.capabilities" -> (task, agent, value) -> ((List<String>) task.get(name)).contains(value);
			case "agent.labels" -> (task, agent, value) -> agent != null && agent.labels().containsKey(value);
			case "agent.capabilities" -> (task, agent, value) -> agent != null && agent.capabilities().contains(value);
			case "agent.enrollment_scope" -> (task, agent, value) -> agent != null && agent.enrollmentScope() != null
					&& agent.enrollmentScope().contains(value);
			default -> throw new Unsupported();
		};
	}

	/**
	 * The variable an identifier or a field selection stands for, as the checker resolved
	 * it.
	 */
	private @Nullable String variable(CelExpr expr) {
		if (expr.getKind() != CelExpr.ExprKind.Kind.IDENT && expr.getKind() != CelExpr.ExprKind.Kind.SELECT) {
			return null;
		}
		return this.ast.getReference(expr.id())
			.filter((reference) -> reference.value().isEmpty())
			.map(CelReference::name)
			.filter(PolicyVariables.ALL::containsKey)
			.orElse(null);
	}

	private String type(CelExpr expr) {
		return this.ast.getType(expr.id()).map((type) -> type.name()).orElseThrow(Unsupported::new);
	}

	private static byte and(byte left, byte right) {
		if (left == FALSE || right == FALSE) {
			return FALSE;
		}
		return (left == TRUE && right == TRUE) ? TRUE : ERROR;
	}

	private static byte or(byte left, byte right) {
		if (left == TRUE || right == TRUE) {
			return TRUE;
		}
		return (left == FALSE && right == FALSE) ? FALSE : ERROR;
	}

	/** Thrown for a part that has no plain form. */
	private static final class Unsupported extends RuntimeException {

		Unsupported() {
			super(null, null, false, false);
		}

	}

}
