/**
 * Notifications for people: one list of what needs someone's attention (an approval
 * requested or escalated, an agent's question, a budget at 80 % or spent, an agent put in
 * quarantine), written in the transaction of the change that caused it, each shown to its
 * audience (approvers for approvals, operators and admins otherwise) with its read state
 * per person.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "governance", "security", "shared", "tasks", "usage" })
package io.nexus.server.notifications;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
