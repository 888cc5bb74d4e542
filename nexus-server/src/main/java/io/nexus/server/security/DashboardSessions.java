package io.nexus.server.security;

import java.util.Set;

import org.springframework.boot.session.autoconfigure.DefaultCookieSerializerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;

/**
 * The dashboard's browser sessions, kept by Spring Session in the database (table
 * {@code spring_session}) so that a restart or another node does not log anyone out. They
 * are indexed by user name, so that ending a user's sessions ends their browser sessions
 * too.
 */
@Configuration(proxyBeanMethods = false)
class DashboardSessions {

	private final FindByIndexNameSessionRepository<? extends Session> sessions;

	DashboardSessions(FindByIndexNameSessionRepository<? extends Session> sessions) {
		this.sessions = sessions;
	}

	/**
	 * Behind a TLS-terminating proxy the server sees plain HTTP, so the cookie is marked
	 * {@code Secure} by configuration rather than by the request.
	 */
	@Bean
	static DefaultCookieSerializerCustomizer secureSessionCookie(SecurityProperties properties) {
		return (serializer) -> {
			if (properties.behindTlsProxy()) {
				serializer.setUseSecureCookie(true);
			}
		};
	}

	/**
	 * Ends every browser session of a user.
	 * @param username the user
	 * @return how many there were
	 */
	int endAll(String username) {
		Set<String> ids = this.sessions.findByPrincipalName(username).keySet();
		ids.forEach(this.sessions::deleteById);
		return ids.size();
	}

}
