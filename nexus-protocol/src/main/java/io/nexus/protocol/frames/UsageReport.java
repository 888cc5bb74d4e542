package io.nexus.protocol.frames;

import java.math.BigDecimal;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What an agent spent on a task since its previous report: tokens and money, optionally
 * on {@code task_progress}, {@code task_complete} and {@code task_fail}. Each report is a
 * <em>delta</em>: Nexus adds it to the task's total, so a report lost with its frame
 * never counts twice and a resent completion is not charged again. Every field is
 * optional; each is bounded ({@link #problem()}), and a report outside the bounds is
 * refused with an {@code invalid_frame} error that changes nothing.
 *
 * @param inputTokens tokens read by the model, 0 to {@value #MAX_TOKENS}
 * @param outputTokens tokens written by the model, 0 to {@value #MAX_TOKENS}
 * @param cost money spent, 0 to {@value #MAX_COST}, at most 6 decimals counted
 * @param currency the ISO 4217 code of {@code cost} (three capital letters), default
 * {@value #DEFAULT_CURRENCY}
 * @param model the model used, at most {@value #MAX_MODEL_LENGTH} printable characters
 */
public record UsageReport(@Nullable Long inputTokens, @Nullable Long outputTokens, @Nullable BigDecimal cost,
		@Nullable String currency, @Nullable String model) {

	/** The most tokens of one kind one report may carry. */
	public static final long MAX_TOKENS = 1_000_000_000L;

	/** The most money one report may carry. */
	public static final long MAX_COST = 1_000_000L;

	/** The longest model name. */
	public static final int MAX_MODEL_LENGTH = 128;

	/** The currency of a cost reported without one. */
	public static final String DEFAULT_CURRENCY = "USD";

	private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

	private static final Pattern PRINTABLE = Pattern.compile("[^\\p{Cntrl}]+");

	/**
	 * What is wrong with the report, if anything.
	 * @return the problem in words naming the field, or {@code null} if the report is
	 * within bounds
	 */
	public @Nullable String problem() {
		String tokens = tokensProblem("input_tokens", this.inputTokens);
		if (tokens == null) {
			tokens = tokensProblem("output_tokens", this.outputTokens);
		}
		if (tokens != null) {
			return tokens;
		}
		if (this.cost != null && (this.cost.signum() < 0 || this.cost.compareTo(BigDecimal.valueOf(MAX_COST)) > 0)) {
			return "usage.cost must be between 0 and " + MAX_COST;
		}
		if (this.currency != null && !CURRENCY.matcher(this.currency).matches()) {
			return "usage.currency must be an ISO 4217 code of three capital letters, such as USD";
		}
		if (this.model != null && (this.model.isEmpty() || this.model.length() > MAX_MODEL_LENGTH
				|| !PRINTABLE.matcher(this.model).matches())) {
			return "usage.model must be 1 to " + MAX_MODEL_LENGTH + " printable characters";
		}
		return null;
	}

	/**
	 * The tokens of both kinds.
	 * @return input plus output tokens
	 */
	public long totalTokens() {
		return ((this.inputTokens != null) ? this.inputTokens : 0)
				+ ((this.outputTokens != null) ? this.outputTokens : 0);
	}

	/**
	 * The currency of the cost.
	 * @return the currency given, or {@value #DEFAULT_CURRENCY}
	 */
	public String effectiveCurrency() {
		return (this.currency != null) ? this.currency : DEFAULT_CURRENCY;
	}

	private static @Nullable String tokensProblem(String field, @Nullable Long value) {
		if (value != null && (value < 0 || value > MAX_TOKENS)) {
			return "usage." + field + " must be between 0 and " + MAX_TOKENS;
		}
		return null;
	}

}
