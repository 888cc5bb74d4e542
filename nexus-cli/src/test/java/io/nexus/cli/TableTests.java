package io.nexus.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TableTests {

	@Test
	void alignsColumnsWithTwoSpacesAndNoTrailingBlanks() {
		String text = Table.withHeaders("ID", "STATUS", "TITLE")
			.row("task_1", "queued", "Build")
			.row("t", "in_progress", "")
			.render();
		assertThat(text).isEqualTo("""
				ID      STATUS       TITLE
				task_1  queued       Build
				t       in_progress  -
				""");
	}

	@Test
	void keepsEachRowOnOneLine() {
		String text = Table.withHeaders("A", "B").row(null, "two\nlines\tand tab").render();
		assertThat(text.lines()).containsExactly("A  B", "-  two lines and tab");
	}

	@Test
	void refusesRowsOfTheWrongWidth() {
		assertThatIllegalArgumentException().isThrownBy(() -> Table.withHeaders("A", "B").row("only one"));
	}

}
