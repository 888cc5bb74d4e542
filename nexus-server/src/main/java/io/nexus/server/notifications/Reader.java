package io.nexus.server.notifications;

/**
 * Who reads notifications: a signed-in user, or the owner of the API key used.
 *
 * @param name the user name
 * @param role their role, as on the wire
 */
public record Reader(String name, String role) {

}
