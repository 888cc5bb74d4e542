package io.nexus.server.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.nexus.server.security.persistence.ApiKeyRepository;
import io.nexus.server.shared.Ids;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.NotFoundException;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * API keys: made by a user for a role no higher than their own, shown once, kept as
 * hashes, capped at every use by the owner's current role (and dead when the owner is
 * disabled).
 */
@Service
public class ApiKeys {

	private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

	private final ApiKeyRepository keys;

	private final Clock clock;

	ApiKeys(ApiKeyRepository keys, Clock clock) {
		this.keys = keys;
		this.clock = clock;
	}

	/**
	 * Makes a key.
	 * @param owner the user making it
	 * @param ownerRole that user's role
	 * @param name what it is for
	 * @param role the role it grants
	 * @param expiresAt when it stops working, or {@code null}
	 * @return the key and its secret, shown once
	 * @throws InvalidRequestException if the role is above the owner's or the expiry has
	 * passed
	 */
	@Transactional
	public IssuedApiKey create(String owner, Role ownerRole, String name, Role role, @Nullable Instant expiresAt) {
		Instant now = this.clock.instant();
		if (role.compareTo(ownerRole) > 0) {
			throw InvalidRequestException.unprocessable("role_too_high",
					"An API key cannot have a role above its owner's (" + ownerRole.wireName() + ")",
					Map.of("role", role.wireName()));
		}
		if (expiresAt != null && !expiresAt.isAfter(now)) {
			throw InvalidRequestException.unprocessable("invalid_expiry", "expires_at must be in the future", Map.of());
		}
		ApiKey key = new ApiKey(Ids.next("apikey"), name, role, owner, now, expiresAt, null, null);
		String secret = SecretTokens.newToken(SecretTokens.API_KEY_PREFIX);
		this.keys.insert(key, SecretTokens.hash(secret));
		return new IssuedApiKey(key, secret);
	}

	/**
	 * Checks a presented key.
	 * @param secret the key
	 * @return the key and the role it acts with now, if it is usable
	 */
	@Transactional
	public Optional<ActingKey> authenticate(String secret) {
		Instant now = this.clock.instant();
		return this.keys.findUsable(SecretTokens.hash(secret), now).map((usable) -> {
			ApiKey key = usable.key();
			if (key.lastUsedAt() == null || key.lastUsedAt().isBefore(now.minus(TOUCH_EVERY))) {
				this.keys.touch(key.id(), now);
			}
			Role role = (key.role().compareTo(usable.ownerRole()) <= 0) ? key.role() : usable.ownerRole();
			return new ActingKey(key, role);
		});
	}

	@Transactional(readOnly = true)
	public List<ApiKey> list(@Nullable String owner) {
		return this.keys.findByOwner(owner);
	}

	/**
	 * Revokes a key.
	 * @param id the key
	 * @param caller who asks
	 * @param admin whether the caller may revoke other users' keys
	 * @return the key
	 * @throws NotFoundException if there is no such key the caller may see
	 */
	@Transactional
	public ApiKey revoke(String id, String caller, boolean admin) {
		ApiKey key = this.keys.find(id)
			.filter((candidate) -> admin || candidate.owner().equals(caller))
			.orElseThrow(() -> new NotFoundException("api_key_not_found", "No API key with id '" + id + "'",
					Map.of("api_key_id", id)));
		this.keys.revoke(id, this.clock.instant());
		return key;
	}

	/**
	 * A usable key and the role it acts with.
	 *
	 * @param key the key
	 * @param role its role, capped by the owner's
	 */
	public record ActingKey(ApiKey key, Role role) {

	}

	/**
	 * A new key and its secret.
	 *
	 * @param key the key
	 * @param secret the secret, shown once
	 */
	public record IssuedApiKey(ApiKey key, String secret) {

		@Override
		public String toString() {
			return "IssuedApiKey[" + this.key.id() + ", <redacted>]";
		}

	}

}
