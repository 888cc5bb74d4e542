package io.nexus.server.shared;

import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * One page of a list, newest first, with the cursor of the next page ({@code null} on the
 * last page).
 *
 * @param <T> the item type
 * @param items the items of this page
 * @param nextCursor where the next page starts, or {@code null}
 */
public record Page<T>(List<T> items, @Nullable String nextCursor) {

	public <R> Page<R> map(Function<T, R> mapper) {
		return new Page<>(this.items.stream().map(mapper).toList(), this.nextCursor);
	}

}
