package io.nexus.server.dashboard;

/**
 * One part of the system and how it is doing.
 *
 * @param name what it is
 * @param state {@code ok}, {@code warn} or {@code down}
 * @param detail a short explanation
 */
record Component(String name, String state, String detail) {

}
