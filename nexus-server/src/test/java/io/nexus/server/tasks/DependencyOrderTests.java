package io.nexus.server.tasks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nexus.protocol.TaskPriority;
import io.nexus.server.shared.InvalidRequestException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The order in which the tasks of one batch are stored: each after the new tasks it
 * depends on, and a cycle refused with its members named.
 */
class DependencyOrderTests {

	@Test
	void ordersEachTaskAfterTheNewTasksItDependsOn() {
		Map<TaskId, NewTask> batch = batch(task("deploy", "test", "build"), task("test", "build"), task("build"),
				task("docs"));
		List<TaskId> order = TaskIntake.inDependencyOrder(batch);
		assertThat(order).containsExactlyInAnyOrderElementsOf(batch.keySet());
		assertThat(order.indexOf(id("build"))).isLessThan(order.indexOf(id("test")));
		assertThat(order.indexOf(id("test"))).isLessThan(order.indexOf(id("deploy")));
	}

	@Test
	void dependenciesOutsideTheBatchAndRepeatsDoNotHoldATaskBack() {
		List<TaskId> order = TaskIntake
			.inDependencyOrder(batch(task("b", "a", "a", "stored-earlier"), task("a", "stored-earlier")));
		assertThat(order).containsExactly(id("a"), id("b"));
	}

	@Test
	void refusesACycleAndNamesItsTasks() {
		InvalidRequestException refusal = catchThrowableOfType(InvalidRequestException.class,
				() -> TaskIntake.inDependencyOrder(batch(task("a", "c"), task("b", "a"), task("c", "b"), task("d"))));
		assertThat(refusal.code()).isEqualTo("dependency_cycle");
		assertThat(refusal.properties()).extractingByKey("cycle")
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.containsExactlyInAnyOrder("a", "b", "c");
	}

	@Test
	void aTaskThatDependsOnItselfIsACycle() {
		InvalidRequestException refusal = catchThrowableOfType(InvalidRequestException.class,
				() -> TaskIntake.inDependencyOrder(batch(task("a", "a"))));
		assertThat(refusal.code()).isEqualTo("dependency_cycle");
	}

	private static Map<TaskId, NewTask> batch(NewTask... tasks) {
		Map<TaskId, NewTask> batch = new LinkedHashMap<>();
		Arrays.stream(tasks).forEach((task) -> batch.put(task.id(), task));
		return batch;
	}

	private static NewTask task(String id, String... dependencies) {
		return new NewTask(id(id), id, null, TaskPriority.MEDIUM, null, null,
				Arrays.stream(dependencies).map(DependencyOrderTests::id).toList(), null, null, 3, 3600, null);
	}

	private static TaskId id(String value) {
		return new TaskId(value);
	}

}
