package io.nexus.server.tasks;

import io.nexus.server.shared.GroupCommitter;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The group commit of single task creations.
 */
@Configuration(proxyBeanMethods = false)
class TaskWriterConfiguration {

	@Bean
	GroupCommitter taskCreateWriter(TransactionTemplate transaction) {
		return new GroupCommitter("task-create-writer", 1, transaction);
	}

}
