package io.nexus.server.tasks;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.nexus.protocol.TaskPriority;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentId;
import io.nexus.server.tasks.TaskLeases.Claim;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The rules a batch of claims is checked against before anything is written. The
 * transitions get no repositories here: a test that reached the database would fail with
 * a {@link NullPointerException}.
 */
class TaskTransitionsTests {

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	private final List<Object> published = new ArrayList<>();

	private final TaskTransitions transitions = new TaskTransitions(null, null, null, this.published::add,
			Clock.fixed(NOW, ZoneOffset.UTC), null);

	@Test
	void anEmptyRoundWritesNothing() {
		assertThat(this.transitions.claimAll(List.of())).isEmpty();
		assertThat(this.published).isEmpty();
	}

	@Test
	void aClaimOfATaskThatCannotBecomeAssignedRefusesTheWholeBatchBeforeAnyWrite() {
		AgentId agent = new AgentId("a1");
		for (TaskStatus status : List.of(TaskStatus.PENDING, TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS,
				TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELLED)) {
			List<Claim> claims = List.of(new Claim(task("ok", TaskStatus.QUEUED), agent, "auto"),
					new Claim(task("bad", status), agent, "auto"));
			assertThatExceptionOfType(IllegalTransitionException.class).as(status.wireName())
				.isThrownBy(() -> this.transitions.claimAll(claims));
		}
		assertThat(this.published).isEmpty();
	}

	@Test
	void aClaimedTaskHasTheNextLeaseAndOneMoreAttempt() {
		Task claimed = task("t1", TaskStatus.QUEUED).claimedBy(new AgentId("a1"), "auto: a1", NOW);
		assertThat(claimed.status()).isEqualTo(TaskStatus.ASSIGNED);
		assertThat(claimed.attempts()).isEqualTo(3);
		assertThat(claimed.leaseEpoch()).isEqualTo(5);
		assertThat(claimed.assignedAgent()).isEqualTo(new AgentId("a1"));
	}

	private static Task task(String id, TaskStatus status) {
		return new Task(new TaskId(id), id, null, TaskPriority.MEDIUM, null, status, null, List.of(), List.of(), null,
				null, null, null, 5, 2, 3600, null, null, 4, null, "admin", NOW, NOW, NOW, null, null, null, null, null,
				null, null, null, null, null, 1, List.of());
	}

}
