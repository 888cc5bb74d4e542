package io.nexus.server.security.web;

import java.net.URI;
import java.util.List;

import io.nexus.server.security.Role;
import io.nexus.server.security.UserAccount;
import io.nexus.server.security.UserAccounts;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
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

	UserController(UserAccounts users) {
		this.users = users;
	}

	@PostMapping
	@Operation(summary = "Create a user")
	ResponseEntity<UserAccount> create(@Valid @RequestBody CreateUserRequest request) {
		UserAccount user = this.users.create(request.username(), request.password(), request.role());
		return ResponseEntity.created(URI.create("/api/users/" + user.id())).body(user);
	}

	@GetMapping
	@Operation(summary = "List users")
	List<UserAccount> list() {
		return this.users.list();
	}

	/**
	 * The body of a user creation.
	 *
	 * @param username 3-64 letters, digits, {@code _ . - @}
	 * @param password 12-128 characters
	 * @param role viewer, operator or admin
	 */
	record CreateUserRequest(@NotBlank @Pattern(regexp = "^[A-Za-z0-9_.@-]{3,64}$") String username,
			@NotNull @Size(min = 12, max = 128) String password, @NotNull Role role) {

		@Override
		public String toString() {
			return "CreateUserRequest[username=" + this.username + ", role=" + this.role + "]";
		}

	}

}
