package io.nexus.server.dashboard;

import java.util.Arrays;
import java.util.List;

import io.nexus.server.shared.InvalidRequestException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's own dashboard preferences: the theme the dashboard opens in, in any
 * browser.
 */
@RestController
@RequestMapping("/api/users/me/preferences")
@Tag(name = "Preferences", description = "The caller's own dashboard preferences")
class PreferencesController {

	private final UserPreferences preferences;

	PreferencesController(UserPreferences preferences) {
		this.preferences = preferences;
	}

	@GetMapping
	@Operation(summary = "Read your dashboard preferences")
	PreferencesResponse get(Authentication caller) {
		return PreferencesResponse.of(this.preferences.theme(caller.getName()).orElse(Theme.MODERN));
	}

	@PutMapping
	@Operation(summary = "Change your dashboard preferences",
			description = "theme: modern, cyberpunk, glassmorphism or matrix; the dashboard opens in it from "
					+ "any browser.")
	PreferencesResponse update(@Valid @RequestBody PreferencesRequest request, Authentication caller) {
		Theme theme = Theme.parse(request.theme())
			.orElseThrow(() -> InvalidRequestException.badRequest("invalid_theme",
					"theme must be one of " + String.join(", ", themeIds())));
		this.preferences.rememberTheme(caller.getName(), theme);
		return PreferencesResponse.of(theme);
	}

	private static List<String> themeIds() {
		return Arrays.stream(Theme.values()).map(Theme::id).toList();
	}

	/**
	 * New preferences.
	 *
	 * @param theme the dashboard theme
	 */
	record PreferencesRequest(@NotBlank @Size(max = 32) String theme) {

	}

	/**
	 * The caller's preferences.
	 *
	 * @param theme the dashboard theme ({@code modern} until one is chosen)
	 * @param availableThemes the themes there are
	 */
	record PreferencesResponse(String theme, List<String> availableThemes) {

		static PreferencesResponse of(Theme theme) {
			return new PreferencesResponse(theme.id(), themeIds());
		}

	}

}
