package io.nexus.server.security.web;

import java.net.URI;
import java.util.List;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.security.MultiFactor;
import io.nexus.server.security.Role;
import io.nexus.server.security.Sessions;
import io.nexus.server.security.UserAccount;
import io.nexus.server.security.UserAccounts;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * User management for admins.
 */
@RestController
@RequestMapping("/api/users")
@Tag(name = "Users", description = "User management (admin)")
class UserController {

	private final UserAccounts users;

	private final Sessions sessions;

	private final AuditLog audit;

	private final MultiFactor mfa;

	UserController(UserAccounts users, Sessions sessions, AuditLog audit, MultiFactor mfa) {
		this.users = users;
		this.sessions = sessions;
		this.audit = audit;
		this.mfa = mfa;
	}

	@PostMapping
	@Operation(summary = "Create a user")
	ResponseEntity<UserAccount> create(@Valid @RequestBody CreateUserRequest request) {
		UserAccount user = this.users.create(request.username(), request.password(), request.role());
		this.audit.record("user.created", user.username(), AuditLog.SUCCESS, "role " + user.role().wireName());
		return ResponseEntity.created(URI.create("/api/users/" + user.id())).body(user);
	}

	@GetMapping
	@Operation(summary = "List users")
	List<UserAccount> list() {
		return this.users.list();
	}

	@GetMapping("/{id}")
	@Operation(summary = "Read a user")
	UserAccount get(@PathVariable String id) {
		return this.users.get(id);
	}

	@PutMapping("/{id}")
	@Operation(summary = "Change a user's role or enable/disable the user",
			description = "Ends the user's sessions when anything changes. The last enabled admin cannot be "
					+ "demoted or disabled.")
	UserAccount update(@PathVariable String id, @Valid @RequestBody UpdateUserRequest request) {
		UserAccount before = this.users.get(id);
		UserAccount after = this.users.update(id, request.role(), request.enabled());
		if (before.role() != after.role()) {
			this.audit.record("user.role_changed", after.username(), AuditLog.SUCCESS,
					before.role().wireName() + " -> " + after.role().wireName());
		}
		if (before.enabled() != after.enabled()) {
			this.audit.record(after.enabled() ? "user.enabled" : "user.disabled", after.username(), AuditLog.SUCCESS,
					null);
		}
		return after;
	}

	@PostMapping("/{id}/password")
	@Operation(summary = "Set a new password for a user", description = "Ends the user's sessions.")
	ResponseEntity<Void> resetPassword(@PathVariable String id, @Valid @RequestBody PasswordRequest request) {
		UserAccount user = this.users.resetPassword(id, request.password());
		this.audit.record("user.password_reset", user.username(), AuditLog.SUCCESS, null);
		return ResponseEntity.noContent().build();
	}

	@DeleteMapping("/{id}/sessions")
	@Operation(summary = "End every session of a user")
	ResponseEntity<Void> revokeSessions(@PathVariable String id) {
		UserAccount user = this.users.get(id);
		int ended = this.sessions.revokeAll(user.username(), "revoked_by_admin");
		this.audit.record("user.sessions_revoked", user.username(), AuditLog.SUCCESS, ended + " session(s) ended");
		return ResponseEntity.noContent().build();
	}

	@DeleteMapping("/{id}/mfa")
	@Operation(summary = "Reset a user's multi-factor authentication",
			description = "For a lost authenticator: removes the secret and recovery codes and ends the user's "
					+ "sessions; the user can enrol again.")
	ResponseEntity<Void> resetMfa(@PathVariable String id) {
		UserAccount user = this.users.get(id);
		this.mfa.reset(user.username());
		this.sessions.revokeAll(user.username(), "mfa_reset");
		return ResponseEntity.noContent().build();
	}

	/**
	 * The body of a user creation.
	 *
	 * @param username 3-64 letters, digits, {@code _ . - @}
	 * @param password 12-128 characters, not the user name
	 * @param role viewer, operator or admin
	 */
	record CreateUserRequest(@NotBlank @Pattern(regexp = "^[A-Za-z0-9_.@-]{3,64}$") String username,
			@NotNull @Size(min = 12, max = 128) String password, @NotNull Role role) {

		@Override
		public String toString() {
			return "CreateUserRequest[username=" + this.username + ", role=" + this.role + "]";
		}

	}

	/**
	 * The body of a user change; absent fields stay as they are.
	 *
	 * @param role the new role
	 * @param enabled whether the user may log in
	 */
	record UpdateUserRequest(@Nullable Role role, @Nullable Boolean enabled) {

	}

	/**
	 * A new password.
	 *
	 * @param password 12-128 characters, not the user name
	 */
	record PasswordRequest(@NotNull @Size(min = 12, max = 128) String password) {

		@Override
		public String toString() {
			return "PasswordRequest[<redacted>]";
		}

	}

}
