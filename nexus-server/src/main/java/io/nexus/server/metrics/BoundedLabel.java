package io.nexus.server.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The values of one label whose values come from users (categories, capabilities): the
 * first {@code max} distinct values are kept as they are, later ones become
 * {@value #OTHER}, so that a careless client cannot create unbounded series.
 */
final class BoundedLabel {

	static final String OTHER = "other";

	static final String NONE = "none";

	private final Set<String> seen = ConcurrentHashMap.newKeySet();

	private final int max;

	BoundedLabel(int max) {
		this.max = max;
	}

	String value(@Nullable String raw) {
		if (raw == null || raw.isEmpty()) {
			return NONE;
		}
		if (this.seen.contains(raw)) {
			return raw;
		}
		if (this.seen.size() >= this.max) {
			return OTHER;
		}
		synchronized (this.seen) {
			if (this.seen.size() < this.max) {
				this.seen.add(raw);
				return raw;
			}
		}
		return this.seen.contains(raw) ? raw : OTHER;
	}

}
