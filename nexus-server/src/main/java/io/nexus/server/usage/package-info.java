/**
 * Usage and budgets: what agents report spending on their tasks (tokens, money), summed
 * per task and over time, and the budgets that cap it, per task and per scope (an agent,
 * a creator, a category, a fairness key) per period. Scope budgets plug into dispatch's
 * {@code Eligibility}, so that a spent scope's tasks wait with a reason.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "audit", "dispatch", "shared", "tasks" })
package io.nexus.server.usage;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
