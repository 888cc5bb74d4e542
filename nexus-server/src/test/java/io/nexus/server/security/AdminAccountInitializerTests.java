package io.nexus.server.security;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The first start's admin user when several nodes of a new cluster start at once: the one
 * that loses the race to create it starts anyway.
 */
class AdminAccountInitializerTests {

	private static final SecurityProperties PROPERTIES = new Binder(
			new MapConfigurationPropertySource(java.util.Map.of("nexus.security.admin-password", "secret-123456")))
		.bindOrCreate("nexus.security", SecurityProperties.class);

	@Test
	void aNodeThatLosesTheRaceToCreateTheAdminStartsAnyway() {
		AtomicBoolean created = new AtomicBoolean();
		UserAccounts users = new Users(created, new DuplicateKeyException("users_username_key"), true);
		AdminAccountInitializer initializer = new AdminAccountInitializer(users, PROPERTIES, null);
		initializer.afterPropertiesSet();
		assertThat(created).isTrue();
		assertThat(initializer.generatedPassword()).isNull();
	}

	@Test
	void anotherFailureToCreateTheAdminStillStopsTheStart() {
		UserAccounts users = new Users(new AtomicBoolean(), new DataIntegrityViolationException("role_check"), false);
		AdminAccountInitializer initializer = new AdminAccountInitializer(users, PROPERTIES, null);
		assertThatExceptionOfType(DataIntegrityViolationException.class).isThrownBy(initializer::afterPropertiesSet);
	}

	/**
	 * Users where the admin does not exist at first; creating it fails with the given
	 * exception, after which it exists if another node made it.
	 */
	private static final class Users extends UserAccounts {

		private final AtomicBoolean tried;

		private final RuntimeException failure;

		private final boolean madeElsewhere;

		Users(AtomicBoolean tried, RuntimeException failure, boolean madeElsewhere) {
			super(null, null, null, null);
			this.tried = tried;
			this.failure = failure;
			this.madeElsewhere = madeElsewhere;
		}

		@Override
		public boolean exists(String username) {
			return this.tried.get() && this.madeElsewhere;
		}

		@Override
		UserAccount createInitial(String username, String password, Role role) {
			this.tried.set(true);
			throw this.failure;
		}

	}

}
