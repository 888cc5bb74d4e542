/**
 * Governance of the fleet by rule: the emergency stop (hold or halt everything, or a part
 * of the fleet, on every node at once). Its rules plug into dispatch's
 * {@code Eligibility}, so that automatic dispatch, manual assignment, "why waiting" and
 * the dashboard agree.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "audit", "dispatch", "security", "shared", "tasks" })
package io.nexus.server.governance;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
