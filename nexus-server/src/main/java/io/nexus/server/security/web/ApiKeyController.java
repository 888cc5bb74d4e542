package io.nexus.server.security.web;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.security.ApiKey;
import io.nexus.server.security.ApiKeys;
import io.nexus.server.security.ApiKeys.IssuedApiKey;
import io.nexus.server.security.Role;
import io.nexus.server.security.UserAccounts;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.PlainText;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * API keys of the logged-in user (admins see and revoke everyone's). Only a logged-in
 * user makes keys: a key cannot make keys.
 */
@RestController
@RequestMapping("/api/api-keys")
@Tag(name = "API keys", description = "Long-lived credentials for automation")
class ApiKeyController {

	private final ApiKeys keys;

	private final UserAccounts users;

	private final AuditLog audit;

	ApiKeyController(ApiKeys keys, UserAccounts users, AuditLog audit) {
		this.keys = keys;
		this.users = users;
		this.audit = audit;
	}

	@PostMapping
	@Operation(summary = "Create an API key",
			description = "Its role may not be above the caller's. The answer carries the key, shown once.")
	ResponseEntity<ApiKeyResponse> create(@Valid @RequestBody CreateApiKeyRequest request, Authentication caller) {
		AuthController.sessionOf(caller);
		Role callerRole = this.users.roleOf(caller.getName());
		IssuedApiKey issued = this.keys.create(caller.getName(), callerRole, request.name().strip(), request.role(),
				request.expiresAt());
		this.audit.record("api_key.created", issued.key().id(), AuditLog.SUCCESS,
				"role " + issued.key().role().wireName());
		return ResponseEntity.created(URI.create("/api/api-keys/" + issued.key().id()))
			.body(ApiKeyResponse.of(issued.key(), issued.secret()));
	}

	@GetMapping
	@Operation(summary = "List API keys (without their secrets): the caller's, or everyone's for an admin")
	List<ApiKeyResponse> list(Authentication caller) {
		return this.keys.list(isAdmin(caller) ? null : caller.getName())
			.stream()
			.map((key) -> ApiKeyResponse.of(key, null))
			.toList();
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Revoke an API key (the caller's own; an admin's any)")
	ResponseEntity<Void> revoke(@PathVariable String id, Authentication caller) {
		ApiKey key = this.keys.revoke(id, caller.getName(), isAdmin(caller));
		this.audit.record("api_key.revoked", key.id(), AuditLog.SUCCESS, "owner " + key.owner());
		return ResponseEntity.noContent().build();
	}

	private static boolean isAdmin(Authentication caller) {
		return caller.getAuthorities()
			.stream()
			.anyMatch((authority) -> Role.ADMIN.authority().equals(authority.getAuthority()));
	}

	/**
	 * The body of a key creation.
	 *
	 * @param name what the key is for
	 * @param role viewer, operator or admin; no higher than the caller's
	 * @param expiresAt when it stops working (default: never)
	 */
	record CreateApiKeyRequest(@NotBlank @Size(max = Limits.MAX_TITLE) @PlainText String name, @NotNull Role role,
			@Nullable Instant expiresAt) {

	}

	/**
	 * An API key as the API shows it; {@code key} only at creation.
	 *
	 * @param id its id
	 * @param name what it is for
	 * @param role its role
	 * @param owner who made it
	 * @param createdAt when
	 * @param expiresAt when it expires
	 * @param lastUsedAt when it was last used
	 * @param revokedAt when it was revoked
	 * @param key the secret, shown once
	 */
	record ApiKeyResponse(String id, String name, Role role, String owner, Instant createdAt,
			@Nullable Instant expiresAt, @Nullable Instant lastUsedAt, @Nullable Instant revokedAt,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String key) {

		static ApiKeyResponse of(ApiKey key, @Nullable String secret) {
			return new ApiKeyResponse(key.id(), key.name(), key.role(), key.owner(), key.createdAt(), key.expiresAt(),
					key.lastUsedAt(), key.revokedAt(), secret);
		}

		@Override
		public String toString() {
			return "ApiKeyResponse[" + this.id + ", <redacted>]";
		}

	}

}
