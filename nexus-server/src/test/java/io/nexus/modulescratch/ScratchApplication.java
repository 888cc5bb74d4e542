package io.nexus.modulescratch;

import org.springframework.modulith.Modulithic;

/**
 * The root of three scratch modules that {@code ModuleBoundariesTests} checks:
 * {@code upper} uses {@code middle} although it declares only {@code lower}.
 */
@Modulithic
public final class ScratchApplication {

	private ScratchApplication() {
	}

}
