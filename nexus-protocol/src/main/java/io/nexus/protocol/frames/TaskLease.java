package io.nexus.protocol.frames;

/**
 * A task and the lease under which an agent holds it.
 *
 * @param taskId the task
 * @param leaseEpoch the lease epoch from its {@code task_assigned}
 */
public record TaskLease(String taskId, long leaseEpoch) {

}
