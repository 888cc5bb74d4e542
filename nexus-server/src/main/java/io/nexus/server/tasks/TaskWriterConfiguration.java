package io.nexus.server.tasks;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexus.server.shared.GroupCommitter;
import io.nexus.server.shared.HotPathLoad;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The group commit of task creations, single and batched.
 */
@Configuration(proxyBeanMethods = false)
class TaskWriterConfiguration {

	/**
	 * One lane: creation writes in one transaction what has queued up, up to
	 * {@code nexus.tasks.create-transaction-tasks} tasks, and refuses new work (503) when
	 * {@code nexus.tasks.create-queue-capacity} tasks wait, so that creation bursts hold
	 * one connection of the pool and never starve dispatch or agent reports; while those
	 * are behind ({@link HotPathLoad}), creation takes at most half of the time.
	 */
	@Bean
	GroupCommitter taskCreateWriter(TransactionTemplate transaction, TaskProperties properties, HotPathLoad load,
			MeterRegistry meters) {
		GroupCommitter writer = new GroupCommitter("task-create-writer", 1, transaction, new GroupCommitter.Settings(
				properties.createQueueCapacity(), properties.createTransactionTasks(), true, (keys) -> {
				}, load::busy));
		Gauge.builder("nexus.tasks.create.queue", writer, GroupCommitter::queuedWeight)
			.description("Tasks accepted by the API that wait to be written")
			.register(meters);
		FunctionCounter.builder("nexus.tasks.create.refused", writer, GroupCommitter::refusedWeight)
			.description("Tasks refused with 503 because the creation queue was full")
			.register(meters);
		return writer;
	}

}
