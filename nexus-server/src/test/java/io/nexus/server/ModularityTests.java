package io.nexus.server;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;

/**
 * The application modules depend on each other only through their APIs, without cycles.
 */
class ModularityTests {

	@Test
	void modulesRespectTheirBoundaries() {
		ApplicationModules.of(NexusApplication.class).verify();
	}

}
