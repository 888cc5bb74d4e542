/**
 * A scratch module for ModuleBoundariesTests.
 */
@ApplicationModule(allowedDependencies = "lower")
package io.nexus.modulescratch.upper;

import org.springframework.modulith.ApplicationModule;
