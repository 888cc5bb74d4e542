package io.nexus.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.nexus.protocol.frames.TaskAssigned;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RunningTaskTests {

	private final List<String> progress = new ArrayList<>();

	private final RunningTask task = new RunningTask(Tasks.assigned("t1", 7, Map.of("text", "hi", "times", 2)),
			JsonMapper.builder().build(), (task, percent, message) -> this.progress.add(percent + " " + message));

	@Test
	void exposesTheAssignment() {
		assertThat(this.task.taskId()).isEqualTo("t1");
		assertThat(this.task.leaseEpoch()).isEqualTo(7);
		assertThat(this.task.attempt()).isEqualTo(1);
		assertThat(this.task.title()).isEqualTo("Echo t1");
		assertThat(this.task.timeout()).hasSeconds(60);
		assertThat(this.task.payload().path("text").asString()).isEqualTo("hi");
	}

	@Test
	void convertsThePayloadToAType() {
		assertThat(this.task.payloadAs(Echo.class)).isEqualTo(new Echo("hi", 2));
		assertThatIllegalArgumentException().isThrownBy(() -> this.task.payloadAs(Integer.class));
	}

	@Test
	void hasANullPayloadWhenTheTaskHasNone() {
		RunningTask empty = new RunningTask(Tasks.assigned("t2", 1, null), JsonMapper.builder().build(),
				(task, percent, message) -> {
				});
		assertThat(empty.payload().isNull()).isTrue();
		assertThat(empty.payloadAs(Echo.class)).isNull();
	}

	@Test
	void clampsProgressAndStopsReportingOnceCancelled() {
		this.task.progress(150, "over");
		this.task.progress(-3, "under");
		this.task.cancel();
		this.task.progress(50, "after cancel");
		assertThat(this.progress).containsExactly("100.0 over", "0.0 under");
	}

	@Test
	void throwIfCancelledThrowsOnlyOnceCancelled() {
		this.task.throwIfCancelled();
		this.task.cancel();
		assertThat(this.task.isCancelled()).isTrue();
		assertThatExceptionOfType(CancellationException.class).isThrownBy(this.task::throwIfCancelled)
			.withMessageContaining("t1");
	}

	@Test
	void cancelInterruptsTheRunningHandler() throws Exception {
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
			CompletableFuture<Void> running = new CompletableFuture<>();
			this.task.started(pool.submit(() -> {
				running.complete(null);
				try {
					Thread.sleep(60_000);
					interrupted.complete(false);
				}
				catch (InterruptedException ex) {
					interrupted.complete(true);
				}
			}));
			running.get(5, TimeUnit.SECONDS);
			this.task.cancel();
			assertThat(interrupted.get(5, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void cancelBeforeStartCancelsTheExecutionWhenItArrives() {
		this.task.cancel();
		CompletableFuture<Void> execution = new CompletableFuture<>();
		this.task.started(execution);
		assertThat(execution).isCancelled();
	}

	record Echo(String text, int times) {
	}

}
