package io.nexus.server.dashboard;

import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.nexus.server.shared.NexusException;
import org.jspecify.annotations.Nullable;

import org.springframework.validation.BindingResult;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Runs an operator's action from a page and reports its outcome as a one-time message on
 * the page the browser is sent to next.
 */
final class PageActions {

	private static final Pattern LOCAL = Pattern
		.compile("^/(agents|tasks)(/[A-Za-z0-9_.-]+)?(\\?[A-Za-z0-9_=&%.-]*)?$");

	private PageActions() {
	}

	/**
	 * Runs an action.
	 * @param flash where the message goes
	 * @param success the message when it works
	 * @param action the action; returns where to go next
	 * @param failure where to go when it fails
	 * @return the redirect
	 */
	static String run(RedirectAttributes flash, String success, Supplier<String> action, String failure) {
		try {
			String next = action.get();
			flash.addFlashAttribute("notice", success);
			return "redirect:" + next;
		}
		catch (NexusException | IllegalArgumentException ex) {
			flash.addFlashAttribute("error", ex.getMessage());
			return "redirect:" + failure;
		}
	}

	/**
	 * Where to go after an action: the page the action came from, if it is one of the
	 * dashboard's own, never another site.
	 * @param next the requested page
	 * @param fallback where to go otherwise
	 * @return a local path
	 */
	static String next(@Nullable String next, String fallback) {
		return (next != null && LOCAL.matcher(next).matches()) ? next : fallback;
	}

	static boolean rejected(BindingResult binding, RedirectAttributes flash, Object form) {
		if (!binding.hasErrors()) {
			return false;
		}
		flash.addFlashAttribute("error",
				binding.getFieldErrors()
					.stream()
					.map((error) -> (error.getDefaultMessage() != null && !error.getDefaultMessage().startsWith("must"))
							? error.getDefaultMessage() : error.getField() + " " + error.getDefaultMessage())
					.distinct()
					.collect(Collectors.joining("; ")));
		flash.addFlashAttribute("form", form);
		return true;
	}

}
