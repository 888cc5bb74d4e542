package io.nexus.server.usage;

import io.nexus.server.tasks.TaskBudget;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskUsage;
import io.nexus.server.tasks.TaskUsageSource;
import io.nexus.server.usage.persistence.UsageRepository;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * A task's usage and own budget for the task API.
 */
@Component
class UsageLookup implements TaskUsageSource {

	private final UsageRepository repository;

	UsageLookup(UsageRepository repository) {
		this.repository = repository;
	}

	@Override
	@Transactional(readOnly = true)
	public @Nullable TaskUsage usage(TaskId id) {
		return this.repository.find(id).orElse(null);
	}

	@Override
	@Transactional(readOnly = true)
	public @Nullable TaskBudget budget(TaskId id) {
		return this.repository.findBudget(id).orElse(null);
	}

}
