package io.nexus.server.dashboard;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.nexus.server.governance.Approvals;
import io.nexus.server.notifications.Notifications;
import io.nexus.server.notifications.Reader;
import io.nexus.server.tasks.TaskInputs;
import io.nexus.server.governance.FleetStops;
import io.nexus.server.security.Role;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseCookie;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every dashboard page knows: who is looking, whether they may act, and the theme.
 * The theme comes from {@code ?theme=} (the theme switch, and links that open the
 * dashboard in a given look), else from the user's preference in the database, else from
 * the browser's cookie, else Modern. A theme chosen with {@code ?theme=} is remembered:
 * for a signed-in user in the database, so that it follows them to any browser, and in
 * cookies, which the login page (no user yet) falls back on. The cookie is named after
 * the user so that people who share a browser keep their own.
 */
@ControllerAdvice(basePackageClasses = DashboardModel.class)
class DashboardModel {

	static final String COOKIE_PREFIX = "nexus_theme";

	private static final List<String> WRITERS = List.of("ROLE_OPERATOR", "ROLE_ADMIN");

	private final UserPreferences preferences;

	private final FleetStops fleetStops;

	private final Approvals approvals;

	private final TaskInputs inputs;

	private final Notifications notifications;

	DashboardModel(UserPreferences preferences, FleetStops fleetStops, Approvals approvals, TaskInputs inputs,
			Notifications notifications) {
		this.inputs = inputs;
		this.notifications = notifications;
		this.preferences = preferences;
		this.fleetStops = fleetStops;
		this.approvals = approvals;
	}

	@ModelAttribute
	void addCommon(Model model, HttpServletRequest request, HttpServletResponse response,
			@Nullable Authentication authentication) {
		if (request.getRequestURI().startsWith(request.getContextPath() + "/api/")) {
			// the module's REST endpoints render no page
			return;
		}
		String user = (authentication != null) ? authentication.getName() : null;
		Theme theme = resolveTheme(request, response, user);
		model.addAttribute("theme", theme.id());
		model.addAttribute("themes",
				Arrays.stream(Theme.values()).map((t) -> Map.of("id", t.id(), "label", t.label())).toList());
		model.addAttribute("username", user);
		model.addAttribute("role", role(authentication));
		model.addAttribute("canOperate", canOperate(authentication));
		// every page shows the emergency stops in force (at most a second old)
		model.addAttribute("fleetStops", (user != null) ? this.fleetStops.active() : List.of());
		// the badge of questions waiting for a person, in the navigation
		model.addAttribute("inputWaiting", (user != null) ? this.inputs.countWaiting() : 0L);
		model.addAttribute("isAdmin", "admin".equals(role(authentication)));
		model.addAttribute("approvalsWaiting", (user != null) ? approvalsWaiting(user, role(authentication)) : 0L);
		model.addAttribute("notificationsUnread",
				(user != null) ? notificationsUnread(user, role(authentication)) : 0L);
		model.addAttribute("path", request.getRequestURI());
		String query = request.getQueryString();
		model.addAttribute("currentUrl", request.getRequestURI() + ((query != null) ? "?" + query : ""));
	}

	/**
	 * The count on the Approvals badge: one indexed query per page; none while the
	 * database is away (the page still renders).
	 */
	private long approvalsWaiting(String user, String role) {
		try {
			return this.approvals.countAwaiting(new Approvals.Caller(user, role));
		}
		catch (RuntimeException ex) {
			return 0;
		}
	}

	/**
	 * The count on the notifications badge in the top bar: one query per page; none while
	 * the database is away.
	 */
	private long notificationsUnread(String user, String role) {
		try {
			return this.notifications.unread(new Reader(user, role));
		}
		catch (RuntimeException ex) {
			return 0;
		}
	}

	static boolean canOperate(@Nullable Authentication authentication) {
		return authentication != null && authentication.getAuthorities()
			.stream()
			.map(GrantedAuthority::getAuthority)
			.anyMatch(WRITERS::contains);
	}

	static String role(@Nullable Authentication authentication) {
		if (authentication == null) {
			return "";
		}
		return Role.of(authentication.getAuthorities()).map(Role::wireName).orElse("");
	}

	private Theme resolveTheme(HttpServletRequest request, HttpServletResponse response, @Nullable String user) {
		Theme requested = Theme.parse(request.getParameter("theme")).orElse(null);
		Theme saved = (user != null) ? this.preferences.theme(user).orElse(null) : null;
		if (requested != null) {
			if (user != null && requested != saved) {
				this.preferences.rememberTheme(user, requested);
			}
			remember(response, cookieName(user), requested);
			if (user != null) {
				// the login page, before anyone is known, shows the last theme chosen
				// here
				remember(response, COOKIE_PREFIX, requested);
			}
			return requested;
		}
		if (saved != null) {
			return saved;
		}
		Theme stored = cookie(request, cookieName(user));
		if (stored == null && user != null) {
			stored = cookie(request, COOKIE_PREFIX);
		}
		return (stored != null) ? stored : Theme.MODERN;
	}

	private static void remember(HttpServletResponse response, String name, Theme theme) {
		response.addHeader("Set-Cookie",
				ResponseCookie.from(name, theme.id())
					.path("/")
					.maxAge(Duration.ofDays(365))
					.sameSite("Lax")
					.build()
					.toString());
	}

	private static @Nullable Theme cookie(HttpServletRequest request, String name) {
		Cookie[] cookies = request.getCookies();
		if (cookies != null) {
			for (Cookie cookie : cookies) {
				if (cookie.getName().equals(name)) {
					return Theme.parse(cookie.getValue()).orElse(null);
				}
			}
		}
		return null;
	}

	/**
	 * The cookie that holds a user's theme; only letters, digits and underscores, as
	 * cookie names allow.
	 * @param user the user name, or {@code null} before login
	 * @return the cookie name
	 */
	static String cookieName(@Nullable String user) {
		if (user == null) {
			return COOKIE_PREFIX;
		}
		return COOKIE_PREFIX + "_" + user.replaceAll("[^A-Za-z0-9]", "_");
	}

}
