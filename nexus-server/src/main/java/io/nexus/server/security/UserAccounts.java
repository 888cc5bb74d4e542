package io.nexus.server.security;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.nexus.server.security.persistence.UserRepository;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.Ids;
import io.nexus.server.shared.NotFoundException;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The users of Nexus: creation, changes by admins, and the lookup that login uses. Any
 * change of role, status or password ends the user's sessions, so that it takes effect at
 * once.
 */
@Service
public class UserAccounts implements UserDetailsService {

	private final UserRepository users;

	private final PasswordEncoder passwords;

	private final Sessions sessions;

	private final Clock clock;

	UserAccounts(UserRepository users, PasswordEncoder passwords, Sessions sessions, Clock clock) {
		this.users = users;
		this.passwords = passwords;
		this.sessions = sessions;
		this.clock = clock;
	}

	@Override
	@Transactional(readOnly = true)
	public UserDetails loadUserByUsername(String username) {
		// no user name holds a control character, and PostgreSQL refuses NUL outright:
		// such
		// a name is an unknown user, not a database failure
		if (username.chars().anyMatch(Character::isISOControl)) {
			throw new UsernameNotFoundException("No such user");
		}
		UserRepository.Credentials credentials = this.users.findCredentials(username)
			.orElseThrow(() -> new UsernameNotFoundException("No such user"));
		return User.withUsername(credentials.username())
			.password(credentials.passwordHash())
			.authorities(credentials.role().authority())
			.disabled(!credentials.enabled())
			.build();
	}

	/**
	 * Creates a user, checking the password policy.
	 * @param username the login name
	 * @param password the password, in clear; only its hash is kept
	 * @param role the role
	 * @return the user
	 * @throws ConflictException if the name is taken
	 */
	@Transactional
	public UserAccount create(String username, String password, Role role) {
		PasswordPolicy.check(username, password);
		return insert(username, password, role);
	}

	/**
	 * Creates the first admin, whose password comes from the environment (the production
	 * guard judges it).
	 */
	@Transactional
	UserAccount createInitial(String username, String password, Role role) {
		return insert(username, password, role);
	}

	@Transactional(readOnly = true)
	public boolean exists(String username) {
		return this.users.exists(username);
	}

	@Transactional(readOnly = true)
	public List<UserAccount> list() {
		return this.users.findAll();
	}

	@Transactional(readOnly = true)
	public UserAccount get(String id) {
		return this.users.findById(id)
			.orElseThrow(() -> new NotFoundException("user_not_found", "No user with id '" + id + "'",
					Map.of("user_id", id)));
	}

	@Transactional(readOnly = true)
	public Role roleOf(String username) {
		return this.users.findCredentials(username)
			.map(UserRepository.Credentials::role)
			.orElseThrow(() -> new UsernameNotFoundException("No such user"));
	}

	/**
	 * Changes a user's role or status; the last enabled admin cannot be demoted or
	 * disabled.
	 * @param id the user
	 * @param role the new role, or {@code null} to keep it
	 * @param enabled the new status, or {@code null} to keep it
	 * @return the user as it is now
	 */
	@Transactional
	public UserAccount update(String id, @Nullable Role role, @Nullable Boolean enabled) {
		UserAccount current = get(id);
		Role newRole = (role != null) ? role : current.role();
		boolean newEnabled = (enabled != null) ? enabled : current.enabled();
		boolean losesAdmin = current.role() == Role.ADMIN && current.enabled()
				&& (newRole != Role.ADMIN || !newEnabled);
		if (losesAdmin && this.users.countEnabledAdmins() <= 1) {
			throw new ConflictException("last_admin", "The last enabled admin cannot be demoted or disabled",
					Map.of("user_id", id));
		}
		this.users.update(id, newRole, newEnabled);
		if (newRole != current.role() || newEnabled != current.enabled()) {
			this.sessions.revokeAll(current.username(), newEnabled ? "role_changed" : "user_disabled");
		}
		return new UserAccount(id, current.username(), newRole, newEnabled, current.createdAt());
	}

	/**
	 * Sets a new password (by an admin) and ends the user's sessions.
	 * @param id the user
	 * @param password the new password
	 * @return the user
	 */
	@Transactional
	public UserAccount resetPassword(String id, String password) {
		UserAccount user = get(id);
		PasswordPolicy.check(user.username(), password);
		this.users.updatePassword(id, this.passwords.encode(password));
		this.sessions.revokeAll(user.username(), "password_reset");
		return user;
	}

	private UserAccount insert(String username, String password, Role role) {
		UserAccount user = new UserAccount(Ids.next("user"), username, role, true, this.clock.instant());
		if (this.users.exists(username)) {
			throw userExists(username);
		}
		try {
			this.users.insert(user, this.passwords.encode(password));
		}
		catch (DuplicateKeyException ex) {
			throw userExists(username);
		}
		return user;
	}

	private static ConflictException userExists(String username) {
		return new ConflictException("user_exists", "A user named '" + username + "' already exists",
				Map.of("username", username));
	}

}
