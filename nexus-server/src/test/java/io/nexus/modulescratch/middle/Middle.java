package io.nexus.modulescratch.middle;

import io.nexus.modulescratch.lower.Lower;

/**
 * Depends on {@code lower}, as declared.
 */
public class Middle {

	final Lower lower = new Lower();

}
