package io.nexus.server.ops;

import io.nexus.server.encryption.FieldCipher;
import io.nexus.server.security.AdminAccountInitializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Tells whoever started Nexus where to open it and how to log in.
 */
@Component
class StartupReport {

	private static final Logger logger = LoggerFactory.getLogger(StartupReport.class);

	private final AdminAccountInitializer admin;

	private final NodeIdentity node;

	private final FieldCipher cipher;

	StartupReport(AdminAccountInitializer admin, NodeIdentity node, FieldCipher cipher) {
		this.admin = admin;
		this.node = node;
		this.cipher = cipher;
	}

	@EventListener
	void onReady(ApplicationReadyEvent event) {
		Environment environment = event.getApplicationContext().getEnvironment();
		String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "4100"));
		boolean tls = environment.getProperty("server.ssl.enabled", Boolean.class, false);
		String base = (tls ? "https" : "http") + "://localhost:" + port;
		String generated = this.admin.generatedPassword();
		String password = (generated != null) ? generated + "   (generated now and shown only this once)"
				: "the one chosen at first start (NEXUS_ADMIN_PASSWORD, or the generated one printed then)";
		String passwordArg = (generated != null) ? generated : "<password>";
		String encryption = this.cipher.enabled() ? "on, key id '" + this.cipher.activeKeyId() + "'"
				: "off (set NEXUS_ENCRYPTION_KEY to encrypt task payloads, results and TOTP secrets)";
		logger.info("""

				================================================================
				  Nexus is up (node {}, database: {})
				  Open:        {}/            (API docs: {}/swagger-ui.html)
				  Log in:      user 'admin', password {}
				  API token:   curl -s -X POST {}/api/auth/login -H 'Content-Type: application/json' \\
				                 -d '{"username":"admin","password":"{}"}'
				  Health:      {}/health
				  Encryption:  {}
				================================================================""", this.node.nodeId(),
				environment.getProperty("spring.datasource.url", "?").replaceAll("//[^@/]*@", "//"), base, base,
				password, base, passwordArg, base, encryption);
	}

}
