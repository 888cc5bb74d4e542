package io.nexus.modulescratch.lower;

/**
 * Depends on nothing.
 */
public class Lower {

}
