package io.nexus.protocol;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.nexus.protocol.TaskStatus.ASSIGNED;
import static io.nexus.protocol.TaskStatus.AWAITING_APPROVAL;
import static io.nexus.protocol.TaskStatus.CANCELLED;
import static io.nexus.protocol.TaskStatus.COMPLETED;
import static io.nexus.protocol.TaskStatus.FAILED;
import static io.nexus.protocol.TaskStatus.INPUT_REQUIRED;
import static io.nexus.protocol.TaskStatus.IN_PROGRESS;
import static io.nexus.protocol.TaskStatus.PENDING;
import static io.nexus.protocol.TaskStatus.QUEUED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The lifecycle table, checked pair by pair against the architecture's description.
 */
class TaskStatusTests {

	/** ARCHITECTURE §4, written out independently of the implementation. */
	private static final Map<TaskStatus, Set<TaskStatus>> EXPECTED = Map.of(PENDING,
			EnumSet.of(QUEUED, AWAITING_APPROVAL, COMPLETED, FAILED, CANCELLED), AWAITING_APPROVAL,
			EnumSet.of(QUEUED, COMPLETED, FAILED, CANCELLED), QUEUED,
			EnumSet.of(ASSIGNED, COMPLETED, FAILED, CANCELLED), ASSIGNED,
			EnumSet.of(IN_PROGRESS, QUEUED, AWAITING_APPROVAL, COMPLETED, FAILED, CANCELLED), IN_PROGRESS,
			EnumSet.of(QUEUED, INPUT_REQUIRED, AWAITING_APPROVAL, COMPLETED, FAILED, CANCELLED), INPUT_REQUIRED,
			EnumSet.of(IN_PROGRESS, QUEUED, COMPLETED, FAILED, CANCELLED), COMPLETED, EnumSet.noneOf(TaskStatus.class),
			FAILED, EnumSet.noneOf(TaskStatus.class), CANCELLED, EnumSet.noneOf(TaskStatus.class));

	static Stream<Arguments> everyPair() {
		return Stream.of(TaskStatus.values())
			.flatMap((from) -> Stream.of(TaskStatus.values()).map((to) -> Arguments.of(from, to)));
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@MethodSource("everyPair")
	void allowsExactlyTheTransitionsOfTheTable(TaskStatus from, TaskStatus to) {
		assertThat(from.canTransitionTo(to)).isEqualTo(EXPECTED.get(from).contains(to));
	}

	@Test
	void terminalStatesAreFinal() {
		for (TaskStatus status : TaskStatus.values()) {
			assertThat(status.isTerminal()).isEqualTo(status.allowedTargets().isEmpty());
		}
		assertThat(EnumSet.allOf(TaskStatus.class).stream().filter(TaskStatus::isTerminal))
			.containsExactlyInAnyOrder(COMPLETED, FAILED, CANCELLED);
	}

	@Test
	void noStatusMovesToItself() {
		for (TaskStatus status : TaskStatus.values()) {
			assertThat(status.canTransitionTo(status)).isFalse();
		}
	}

	@Test
	void everyNonTerminalStatusCanBeClosedByHand() {
		for (TaskStatus status : TaskStatus.values()) {
			if (!status.isTerminal()) {
				assertThat(status.allowedTargets()).contains(COMPLETED, FAILED, CANCELLED);
			}
		}
	}

	@Test
	void wireNamesRoundTrip() {
		for (TaskStatus status : TaskStatus.values()) {
			assertThat(TaskStatus.fromWireName(status.wireName())).isEqualTo(status);
		}
		assertThat(IN_PROGRESS.wireName()).isEqualTo("in_progress");
		assertThat(AWAITING_APPROVAL.wireName()).isEqualTo("awaiting_approval");
		assertThatIllegalArgumentException().isThrownBy(() -> TaskStatus.fromWireName("done"))
			.withMessageContaining("in_progress");
		assertThatIllegalArgumentException().isThrownBy(() -> TaskStatus.fromWireName("QUEUED"));
	}

	@Test
	void prioritiesOrderByRank() {
		assertThat(TaskPriority.CRITICAL.rank()).isGreaterThan(TaskPriority.HIGH.rank());
		assertThat(TaskPriority.HIGH.rank()).isGreaterThan(TaskPriority.MEDIUM.rank());
		assertThat(TaskPriority.MEDIUM.rank()).isGreaterThan(TaskPriority.LOW.rank());
		for (TaskPriority priority : TaskPriority.values()) {
			assertThat(TaskPriority.ofRank(priority.rank())).isEqualTo(priority);
			assertThat(TaskPriority.fromWireName(priority.wireName())).isEqualTo(priority);
		}
		assertThatIllegalArgumentException().isThrownBy(() -> TaskPriority.fromWireName("urgent"));
	}

	@Test
	void onlyOperationalAgentStatusesAcceptWork() {
		assertThat(EnumSet.allOf(AgentStatus.class).stream().filter(AgentStatus::acceptsNewWork))
			.containsExactlyInAnyOrder(AgentStatus.ACTIVE, AgentStatus.IDLE, AgentStatus.BUSY);
	}

}
