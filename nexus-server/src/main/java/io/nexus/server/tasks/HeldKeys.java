package io.nexus.server.tasks;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Key values whose tasks may not start now (a limit is reached): a dispatch round leaves
 * them out of what it reads, so that they never crowd out the others.
 *
 * @param key what the values are of
 * @param category only tasks of this category are held, or every task if {@code null}
 * @param values the held values, never empty
 */
public record HeldKeys(TaskKey key, @Nullable String category, Set<String> values) {

	public HeldKeys {
		values = Set.copyOf(values);
	}

}
