package io.nexus.server.agents.web;

import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nexus.server.agents.EnrollmentKey;
import io.nexus.server.agents.EnrollmentKeys;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.agents.EnrollmentKeys.IssuedKey;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.PlainText;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Enrollment keys (admin): agents that hold one register themselves over the WebSocket.
 */
@RestController
@RequestMapping("/api/enrollment-keys")
@Tag(name = "Enrollment keys", description = "Keys that let agents register themselves (admin)")
class EnrollmentKeyController {

	private final EnrollmentKeys keys;

	private final AuditLog audit;

	EnrollmentKeyController(EnrollmentKeys keys, AuditLog audit) {
		this.keys = keys;
		this.audit = audit;
	}

	@PostMapping
	@Operation(summary = "Create an enrollment key", description = "The answer carries the key, shown once.")
	ResponseEntity<KeyResponse> create(@Valid @RequestBody CreateKeyRequest request, Principal principal) {
		IssuedKey issued = this.keys.create(request.name().strip(), request.capabilities(), request.maxUses(),
				request.expiresAt(), principal.getName());
		this.audit.record("enrollment_key.created", issued.key().id(), AuditLog.SUCCESS,
				"capabilities " + issued.key().capabilities());
		return ResponseEntity.created(URI.create("/api/enrollment-keys/" + issued.key().id()))
			.body(KeyResponse.of(issued.key(), issued.secret()));
	}

	@GetMapping
	@Operation(summary = "List enrollment keys (without their secrets)")
	List<KeyResponse> list() {
		return this.keys.list().stream().map((key) -> KeyResponse.of(key, null)).toList();
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Revoke an enrollment key")
	ResponseEntity<Void> revoke(@PathVariable String id) {
		this.keys.revoke(id);
		this.audit.record("enrollment_key.revoked", id, AuditLog.SUCCESS, null);
		return ResponseEntity.noContent().build();
	}

	/**
	 * The body of a key creation.
	 *
	 * @param name what the key is for
	 * @param capabilities the capabilities agents enrolled with it may claim
	 * @param maxUses how many agents it may enroll (default: no limit)
	 * @param expiresAt when it stops working (default: never)
	 */
	record CreateKeyRequest(@NotBlank @Size(max = Limits.MAX_TITLE) @PlainText String name, @NotEmpty @Size(
			max = Limits.MAX_CAPABILITIES) List<@NotNull @Pattern(regexp = Limits.NAME_PATTERN) String> capabilities,
			@Nullable @Min(1) @Max(1_000_000) Integer maxUses, @Nullable Instant expiresAt) {

	}

	/**
	 * An enrollment key as the API shows it; {@code key} only at creation.
	 *
	 * @param id its id
	 * @param name what it is for
	 * @param capabilities allowed capabilities
	 * @param maxUses its limit
	 * @param uses how many agents it enrolled
	 * @param expiresAt when it expires
	 * @param revoked whether it was revoked
	 * @param createdBy who made it
	 * @param createdAt when
	 * @param key the secret, shown once
	 */
	record KeyResponse(String id, String name, List<String> capabilities, @Nullable Integer maxUses, int uses,
			@Nullable Instant expiresAt, boolean revoked, String createdBy, Instant createdAt,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String key) {

		static KeyResponse of(EnrollmentKey key, @Nullable String secret) {
			return new KeyResponse(key.id(), key.name(), key.capabilities(), key.maxUses(), key.uses(), key.expiresAt(),
					key.revoked(), key.createdBy(), key.createdAt(), secret);
		}

	}

}
