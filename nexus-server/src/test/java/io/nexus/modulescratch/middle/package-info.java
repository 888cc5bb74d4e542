/**
 * A scratch module for ModuleBoundariesTests.
 */
@ApplicationModule(allowedDependencies = "lower")
package io.nexus.modulescratch.middle;

import org.springframework.modulith.ApplicationModule;
