package io.nexus.server.shared;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Ids are unique and time-ordered; cursors round-trip and forged ones are refused.
 */
class IdsAndPagesTests {

	@Test
	void idsAreUniquePrefixedAndSortByCreation() throws InterruptedException {
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < 10_000; i++) {
			ids.add(Ids.next("task"));
		}
		assertThat(ids).hasSize(10_000).allMatch((id) -> id.matches("task_[0-9a-z]{26}"));
		String earlier = Ids.next("task");
		Thread.sleep(2);
		assertThat(Ids.next("task")).isGreaterThan(earlier);
	}

	@Test
	void cursorsRoundTrip() {
		PageRequest page = PageRequest.of(10, PageRequest.cursorAfter(42));
		assertThat(page.limit()).isEqualTo(10);
		assertThat(page.afterSeq()).isEqualTo(42);
		assertThat(PageRequest.of(null, null).limit()).isEqualTo(PageRequest.DEFAULT_LIMIT);
	}

	@Test
	void refusesForgedCursorsAndBadLimits() {
		assertThatExceptionOfType(InvalidRequestException.class).isThrownBy(() -> PageRequest.of(10, "not-a-cursor"))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_cursor"));
		assertThatExceptionOfType(InvalidRequestException.class).isThrownBy(() -> PageRequest.of(0, null));
		assertThatExceptionOfType(InvalidRequestException.class)
			.isThrownBy(() -> PageRequest.of(PageRequest.MAX_LIMIT + 1, null));
	}

}
