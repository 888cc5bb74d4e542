package io.nexus.server.dispatch;

import io.nexus.server.shared.GroupCommitter;

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
	 * per commit (docs/benchmarks.md); more lanes commit in parallel but batch less.
	 */
	@Bean
	GroupCommitter reportWriter(TransactionTemplate transaction) {
		return new GroupCommitter("report-writer", 1, transaction);
	}

}
