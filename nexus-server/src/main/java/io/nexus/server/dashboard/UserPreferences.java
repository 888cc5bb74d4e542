package io.nexus.server.dashboard;

import java.time.Clock;
import java.util.Optional;

import io.nexus.server.shared.SqlTimes;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Each user's dashboard preferences, kept in the database so that they follow the user to
 * any browser and any node. Keyed by user name: local users, single sign-on users and the
 * owners of API keys alike.
 */
@Service
class UserPreferences {

	private final JdbcClient jdbc;

	private final Clock clock;

	UserPreferences(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/**
	 * The theme a user chose last.
	 * @param username the user
	 * @return the theme, or empty if the user never chose one
	 */
	@Transactional(readOnly = true)
	Optional<Theme> theme(String username) {
		return this.jdbc.sql("SELECT theme FROM user_preferences WHERE username = :username")
			.param("username", username)
			.query(String.class)
			.optional()
			.flatMap(Theme::parse);
	}

	/**
	 * Remembers a user's theme. Not one transaction on purpose: on PostgreSQL a failed
	 * insert would spoil it for the update that follows.
	 * @param username the user
	 * @param theme the theme
	 */
	void rememberTheme(String username, Theme theme) {
		if (update(username, theme) > 0) {
			return;
		}
		try {
			this.jdbc.sql("""
					INSERT INTO user_preferences (username, theme, updated_at) VALUES (:username, :theme, :now)
					""")
				.param("username", username)
				.param("theme", theme.id())
				.param("now", SqlTimes.toDb(this.clock.instant()))
				.update();
		}
		catch (DuplicateKeyException ex) {
			// the same user chose in two tabs at once: the later choice wins
			update(username, theme);
		}
	}

	private int update(String username, Theme theme) {
		return this.jdbc.sql("UPDATE user_preferences SET theme = :theme, updated_at = :now WHERE username = :username")
			.param("username", username)
			.param("theme", theme.id())
			.param("now", SqlTimes.toDb(this.clock.instant()))
			.update();
	}

}
