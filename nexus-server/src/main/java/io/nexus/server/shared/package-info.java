/**
 * Small value types and error kinds that every module shares: ids, pages, the problem
 * mapping at the HTTP edge, and the keys of the logging context.
 */
@NullMarked
@ApplicationModule(type = ApplicationModule.Type.OPEN, allowedDependencies = {})
package io.nexus.server.shared;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
