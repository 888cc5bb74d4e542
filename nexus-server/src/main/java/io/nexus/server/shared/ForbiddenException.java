package io.nexus.server.shared;

import java.util.Map;

/**
 * A rule of the thing itself refuses this caller, whatever their role (such as the four
 * eyes of an approval: the creator of a task may not approve it).
 */
public class ForbiddenException extends NexusException {

	public ForbiddenException(String code, String message, Map<String, Object> properties) {
		super(Kind.FORBIDDEN, code, message, properties);
	}

}
