package io.nexus.server.security.web;

import java.util.List;
import java.util.Map;

import io.nexus.server.security.MfaEnforcement;
import io.nexus.server.security.MultiFactor;
import io.nexus.server.security.Role;
import io.nexus.server.shared.ConflictException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A logged-in user's own TOTP multi-factor authentication: enrol, confirm, disable. Setup
 * and confirm also take the enrolment token of an admin who must enrol before getting a
 * session.
 */
@RestController
@RequestMapping("/api/auth/mfa")
@Tag(name = "Authentication")
class MfaController {

	private final MultiFactor mfa;

	private final MfaEnforcement enforcement;

	MfaController(MultiFactor mfa, MfaEnforcement enforcement) {
		this.mfa = mfa;
		this.enforcement = enforcement;
	}

	@PostMapping("/setup")
	@Operation(summary = "Start MFA enrolment",
			description = "Returns a new TOTP secret (base32) and its otpauth:// URI for an authenticator app. "
					+ "It stays pending until confirmed with a code. Also takes the enrolment token that login "
					+ "returns (403 mfa_enrolment_required) to an admin without MFA while MFA is enforced.")
	SetupResponse setup(Authentication caller) {
		requireSessionOrEnrolment(caller);
		MultiFactor.Setup setup = this.mfa.setup(caller.getName());
		return new SetupResponse(setup.secret(), setup.otpauthUri());
	}

	@PostMapping("/confirm")
	@Operation(summary = "Turn MFA on with a first code",
			description = "Returns 10 one-time recovery codes; they are shown only now. Also takes an "
					+ "enrolment token.")
	ConfirmResponse confirm(@Valid @RequestBody CodeRequest request, Authentication caller) {
		requireSessionOrEnrolment(caller);
		return new ConfirmResponse(true, this.mfa.confirm(caller.getName(), request.code()));
	}

	@PostMapping("/disable")
	@Operation(summary = "Turn MFA off",
			description = "Needs a current TOTP code or an unused recovery code. While MFA is enforced for "
					+ "admins, an admin cannot turn it off (409 mfa_required_for_admins).")
	ResponseEntity<Void> disable(@Valid @RequestBody CodeRequest request, Authentication caller) {
		AuthController.sessionOf(caller);
		boolean admin = caller.getAuthorities()
			.stream()
			.anyMatch((authority) -> Role.ADMIN.authority().equals(authority.getAuthority()));
		if (admin && this.enforcement.enforced()) {
			throw new ConflictException("mfa_required_for_admins",
					"Admins must use multi-factor authentication here; it cannot be turned off (an admin can reset "
							+ "it with DELETE /api/users/{id}/mfa, after which login asks for enrolment)",
					Map.of());
		}
		this.mfa.disable(caller.getName(), request.code());
		return ResponseEntity.noContent().build();
	}

	private static void requireSessionOrEnrolment(Authentication caller) {
		if (!MfaEnforcement.isEnrolment(caller)) {
			AuthController.sessionOf(caller);
		}
	}

	/**
	 * A one-time code.
	 *
	 * @param code a TOTP code or a recovery code
	 */
	record CodeRequest(@NotBlank @Size(max = 64) String code) {

		@Override
		public String toString() {
			return "CodeRequest[<redacted>]";
		}

	}

	/**
	 * A started enrolment.
	 *
	 * @param secret the base32 TOTP secret
	 * @param otpauthUri the {@code otpauth://totp/...} URI
	 */
	record SetupResponse(String secret, String otpauthUri) {

		@Override
		public String toString() {
			return "SetupResponse[<redacted>]";
		}

	}

	/**
	 * MFA turned on.
	 *
	 * @param enabled always true
	 * @param recoveryCodes one-time recovery codes, shown once
	 */
	record ConfirmResponse(boolean enabled, List<String> recoveryCodes) {

		@Override
		public String toString() {
			return "ConfirmResponse[<redacted>]";
		}

	}

}
