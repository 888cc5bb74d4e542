package io.nexus.server.security;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.nexus.server.security.persistence.UserRepository;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.Ids;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The users of Nexus: creation and the lookup that login uses.
 */
@Service
public class UserAccounts implements UserDetailsService {

	private final UserRepository users;

	private final PasswordEncoder passwords;

	private final Clock clock;

	UserAccounts(UserRepository users, PasswordEncoder passwords, Clock clock) {
		this.users = users;
		this.passwords = passwords;
		this.clock = clock;
	}

	@Override
	@Transactional(readOnly = true)
	public UserDetails loadUserByUsername(String username) {
		UserRepository.Credentials credentials = this.users.findCredentials(username)
			.orElseThrow(() -> new UsernameNotFoundException("No such user"));
		return User.withUsername(credentials.username())
			.password(credentials.passwordHash())
			.authorities(credentials.role().authority())
			.disabled(!credentials.enabled())
			.build();
	}

	/**
	 * Creates a user.
	 * @param username the login name
	 * @param password the password, in clear; only its hash is kept
	 * @param role the role
	 * @return the user
	 * @throws ConflictException if the name is taken
	 */
	@Transactional
	public UserAccount create(String username, String password, Role role) {
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

	@Transactional(readOnly = true)
	public boolean exists(String username) {
		return this.users.exists(username);
	}

	@Transactional(readOnly = true)
	public List<UserAccount> list() {
		return this.users.findAll();
	}

	private static ConflictException userExists(String username) {
		return new ConflictException("user_exists", "A user named '" + username + "' already exists",
				Map.of("username", username));
	}

}
