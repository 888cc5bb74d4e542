package io.nexus.server.governance;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Approval gates ({@code nexus.governance.approvals.*}).
 *
 * @param defaultTimeout how long approvers have when a task or policy names no
 * {@code timeout_seconds}
 * @param sweepInterval how often each node looks for approvals past their deadline
 * @param sweepBatch the most approvals one sweep expires or escalates
 */
@ConfigurationProperties("nexus.governance.approvals")
public record ApprovalProperties(@DefaultValue("24h") Duration defaultTimeout,
		@DefaultValue("5s") Duration sweepInterval, @DefaultValue("100") int sweepBatch) {

}
