package io.nexus.server.security;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.security.core.authority.SimpleGrantedAuthority;

import static org.assertj.core.api.Assertions.assertThat;

class RoleTests {

	@Test
	void readsTheRoleFromTheAuthorities() {
		assertThat(Role.of(List.of(new SimpleGrantedAuthority("FACTOR_PASSWORD"),
				new SimpleGrantedAuthority(Role.OPERATOR.authority()))))
			.contains(Role.OPERATOR);
	}

	@Test
	void callersWithoutARoleHaveNone() {
		assertThat(Role.of(List.of(new SimpleGrantedAuthority(AgentAuthentication.AUTHORITY)))).isEmpty();
		assertThat(Role.of(List.of())).isEmpty();
	}

}
