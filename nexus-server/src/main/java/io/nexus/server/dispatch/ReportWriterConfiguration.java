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

	@Bean
	GroupCommitter reportWriter(TransactionTemplate transaction) {
		return new GroupCommitter("report-writer", 4, transaction);
	}

}
