/**
 * The operator dashboard: server-rendered pages for the overview, agents, tasks, nodes
 * and analytics, their read-only queries, themes, and the live stream that keeps open
 * pages current. It only reads and calls the other modules' façades.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "analytics", "audit", "cluster", "dispatch", "governance",
		"notifications", "ops", "schedules", "security", "shared", "tasks", "usage", "webhooks" })
package io.nexus.server.dashboard;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
