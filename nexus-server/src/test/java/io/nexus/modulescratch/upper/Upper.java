package io.nexus.modulescratch.upper;

import io.nexus.modulescratch.lower.Lower;
import io.nexus.modulescratch.middle.Middle;

/**
 * Depends on {@code lower}, as declared, and on {@code middle}, which its module does not
 * allow.
 */
public class Upper {

	final Lower lower = new Lower();

	final Middle middle = new Middle();

}
