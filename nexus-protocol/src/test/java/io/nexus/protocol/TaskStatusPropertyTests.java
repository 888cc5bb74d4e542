package io.nexus.protocol;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariants of any walk through the lifecycle that follows the table.
 */
class TaskStatusPropertyTests {

	@Property(tries = 2000)
	void aWalkThatFollowsTheTableEndsAtMostOnceAndNeverLeavesATerminalState(
			@ForAll("attempts") List<TaskStatus> attempts) {
		TaskStatus current = TaskStatus.QUEUED;
		int terminalEntries = 0;
		List<TaskStatus> path = new ArrayList<>();
		for (TaskStatus target : attempts) {
			if (current.canTransitionTo(target)) {
				current = target;
				path.add(current);
				if (current.isTerminal()) {
					terminalEntries++;
				}
			}
		}
		assertThat(terminalEntries).isLessThanOrEqualTo(1);
		int firstTerminal = path.indexOf(path.stream().filter(TaskStatus::isTerminal).findFirst().orElse(null));
		if (firstTerminal >= 0) {
			assertThat(path).hasSize(firstTerminal + 1);
		}
	}

	@Property(tries = 500)
	void pendingIsNeverReentered(@ForAll("attempts") List<TaskStatus> attempts) {
		TaskStatus current = TaskStatus.PENDING;
		boolean left = false;
		for (TaskStatus target : attempts) {
			if (current.canTransitionTo(target)) {
				current = target;
				left = true;
			}
			if (left) {
				assertThat(current).isNotEqualTo(TaskStatus.PENDING);
			}
		}
	}

	@Provide
	Arbitrary<List<TaskStatus>> attempts() {
		return Arbitraries.of(TaskStatus.class).list().ofMaxSize(50);
	}

}
