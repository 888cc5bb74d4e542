package io.nexus.server.realtime;

import io.nexus.server.shared.GroupCommitter;
import io.nexus.server.shared.HotPathLoad;
import io.nexus.server.tasks.TaskLeases;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The group commit of agent reports (accept, progress, complete, fail).
 */
@Configuration(proxyBeanMethods = false)
class ReportWriterConfiguration {

	/**
	 * One lane: at the rates measured on two cores, one writer batches the most reports
	 * per commit (docs/benchmarks.md); more lanes commit in parallel but batch less. Each
	 * batch first locks the rows of all its tasks in one statement
	 * ({@link TaskLeases#prefetch}). Reports are never refused for load: an agent's
	 * result is kept, however deep the queue.
	 */
	@Bean
	GroupCommitter reportWriter(TransactionTemplate transaction, TaskLeases leases, HotPathLoad load) {
		GroupCommitter writer = new GroupCommitter("report-writer", 1, transaction,
				new GroupCommitter.Settings(65_536, 512, false, leases::prefetch, () -> false));
		load.register(() -> writer.queuedWeight() > 0);
		return writer;
	}

}
