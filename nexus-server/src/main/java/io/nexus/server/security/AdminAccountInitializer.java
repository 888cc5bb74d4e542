package io.nexus.server.security;

import java.security.SecureRandom;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * Creates the {@code admin} user at first start, with {@code NEXUS_ADMIN_PASSWORD} or a
 * random password that is shown once.
 */
@Component
public class AdminAccountInitializer implements InitializingBean {

	/** The name of the first user. */
	public static final String ADMIN = "admin";

	private static final Logger logger = LoggerFactory.getLogger(AdminAccountInitializer.class);

	private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

	private final UserAccounts users;

	private final SecurityProperties properties;

	private @Nullable String generatedPassword;

	AdminAccountInitializer(UserAccounts users, SecurityProperties properties, ProductionGuard guard) {
		this.users = users;
		this.properties = properties;
	}

	@Override
	public void afterPropertiesSet() {
		if (this.users.exists(ADMIN)) {
			return;
		}
		String password = this.properties.adminPassword();
		if (password == null || password.isBlank()) {
			password = randomPassword();
			this.generatedPassword = password;
		}
		try {
			this.users.createInitial(ADMIN, password, Role.ADMIN);
		}
		catch (DataIntegrityViolationException ex) {
			// nodes of a new cluster started together: another one created it between the
			// check and the insert, with the same NEXUS_ADMIN_PASSWORD or a generated one
			// that it showed
			if (!this.users.exists(ADMIN)) {
				throw ex;
			}
			this.generatedPassword = null;
			logger.info("The '{}' user was created by another node starting at the same time", ADMIN);
			return;
		}
		logger.info("Created the '{}' user ({})", ADMIN,
				(this.generatedPassword != null) ? "generated password" : "password from NEXUS_ADMIN_PASSWORD");
	}

	/**
	 * The password made at this start, to be shown once; {@code null} if none was made.
	 * @return the generated password or {@code null}
	 */
	public @Nullable String generatedPassword() {
		return this.generatedPassword;
	}

	private static String randomPassword() {
		SecureRandom random = new SecureRandom();
		StringBuilder password = new StringBuilder();
		for (int i = 0; i < 20; i++) {
			password.append(ALPHABET[random.nextInt(ALPHABET.length)]);
		}
		return password.toString();
	}

}
