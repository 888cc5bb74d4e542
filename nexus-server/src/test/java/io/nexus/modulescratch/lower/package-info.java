/**
 * A scratch module for ModuleBoundariesTests.
 */
@ApplicationModule(allowedDependencies = {})
package io.nexus.modulescratch.lower;

import org.springframework.modulith.ApplicationModule;
