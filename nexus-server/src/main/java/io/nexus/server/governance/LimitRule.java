package io.nexus.server.governance;

import java.util.List;
import java.util.Map;

import io.nexus.server.dispatch.Contender;
import io.nexus.server.dispatch.EligibilityRule;
import io.nexus.server.dispatch.Refusal;
import io.nexus.server.governance.LimitBoard.Fill;
import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * A task whose key is at a limit ({@code /api/limits}) waits, whatever the agent, and its
 * waiting reason names the limit. Dispatch rounds enforce the limits in their claiming
 * transaction ({@link LimitBoard#open}); this rule answers "why waiting" and manual
 * assignment from the last measure. A forced assignment may override it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class LimitRule implements EligibilityRule {

	private final LimitBoard board;

	LimitRule(LimitBoard board) {
		this.board = board;
	}

	@Override
	public boolean admits(Task task, Contender agent) {
		return this.board.holding(task) == null;
	}

	@Override
	public @Nullable String holding(Task task) {
		Fill fill = this.board.holding(task);
		String value = (fill != null) ? fill.limit().key().of(task) : null;
		return (fill != null && value != null) ? fill.explain(value) : null;
	}

	@Override
	public Refusal refusal(Task task, Contender agent) {
		Fill fill = this.board.holding(task);
		String value = (fill != null) ? fill.limit().key().of(task) : null;
		if (fill == null || value == null) {
			return new Refusal("limit_reached", "a limit holds the task back", Map.of());
		}
		return new Refusal("limit_reached", fill.explain(value),
				Map.of("limit_id", fill.limit().id(), "limit", fill.limit().name()));
	}

	@Override
	public String noneAdmits(Task task, List<? extends Contender> considered) {
		String held = holding(task);
		return (held != null) ? held : "a limit holds the task back";
	}

}
