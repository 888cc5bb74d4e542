package io.nexus.server.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Racing writers: exactly one wins, and no task is stranded by a race.
 */
class TaskConcurrencyIntegrationTests extends ApiIntegrationTest {

	private final ExecutorService pool = Executors.newFixedThreadPool(8);

	@AfterEach
	void stopPool() {
		this.pool.shutdownNow();
	}

	@Test
	void concurrentAssignmentsOfOneTaskHaveExactlyOneWinner() throws Exception {
		List<String> agents = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			agents.add(this.api.post("/api/agents", "{\"name\":\"racer" + i + "\",\"capabilities\":[\"race\"]}")
				.field("id"));
		}
		for (int round = 0; round < 5; round++) {
			String task = this.api.post("/api/tasks", "{\"title\":\"contested\",\"category\":\"race\"}").field("id");
			List<Callable<Response>> calls = new ArrayList<>();
			for (String agent : agents) {
				calls.add(() -> this.api.post("/api/tasks/" + task + "/assign", "{\"agent_id\":\"" + agent + "\"}"));
			}
			List<Integer> statuses = runTogether(calls).stream().map(Response::status).toList();
			assertThat(statuses).as("round %d", round).containsOnlyOnce(200).allMatch((s) -> s == 200 || s == 409);
			assertThat(this.api.get("/api/tasks/" + task).json().get("lease_epoch").asLong()).isEqualTo(1);
			assertThat(this.api.get("/api/tasks/" + task + "/events").json().findValuesAsString("to"))
				.containsExactly("queued", "assigned");
		}
	}

	@Test
	void dependenciesCompletingAtOnceReleaseTheirDependentExactlyOnce() throws Exception {
		for (int round = 0; round < 10; round++) {
			String a = this.api.post("/api/tasks", "{\"title\":\"a\"}").field("id");
			String b = this.api.post("/api/tasks", "{\"title\":\"b\"}").field("id");
			String c = this.api.post("/api/tasks", "{\"title\":\"c\",\"dependencies\":[\"" + a + "\",\"" + b + "\"]}")
				.field("id");
			runTogether(List.of(() -> this.api.put("/api/tasks/" + a, "{\"status\":\"completed\"}"),
					() -> this.api.put("/api/tasks/" + b, "{\"status\":\"completed\"}")));
			assertThat(this.api.get("/api/tasks/" + c).field("status")).as("round %d", round).isEqualTo("queued");
			assertThat(this.api.get("/api/tasks/" + c + "/events").json().findValuesAsString("to"))
				.containsExactly("pending", "queued");
		}
	}

	private <T> List<T> runTogether(List<Callable<T>> calls) throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		List<Future<T>> futures = new ArrayList<>();
		for (Callable<T> call : calls) {
			futures.add(this.pool.submit(() -> {
				start.await();
				return call.call();
			}));
		}
		start.countDown();
		List<T> results = new ArrayList<>();
		for (Future<T> future : futures) {
			results.add(future.get());
		}
		return results;
	}

}
