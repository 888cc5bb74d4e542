package io.nexus.server.security;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Security settings ({@code nexus.security.*}).
 *
 * @param jwtSecret the HMAC key for access tokens, at least 32 bytes
 * ({@code NEXUS_JWT_SECRET}); when unset, a random key is made at first start and kept in
 * the database, so that restarts and other nodes accept the same tokens
 * @param adminPassword the password of the {@code admin} user created at first start
 * ({@code NEXUS_ADMIN_PASSWORD}); when unset, a random one is printed once
 * @param accessTokenTtl how long an access token is valid
 */
@ConfigurationProperties("nexus.security")
@Validated
public record SecurityProperties(@Nullable String jwtSecret, @Nullable String adminPassword,
		@DefaultValue("1h") Duration accessTokenTtl) {

	@Override
	public String toString() {
		return "SecurityProperties[jwtSecret=<redacted>, adminPassword=<redacted>, accessTokenTtl="
				+ this.accessTokenTtl + "]";
	}

}
