/**
 * Scheduled tasks: recurring schedules (cron or a fixed interval, in a time zone) that
 * create tasks from a template through the tasks façade, exactly one per fire time
 * whichever node fires it, with overlap and catch-up policies.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "audit", "shared", "tasks" })
package io.nexus.server.schedules;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
