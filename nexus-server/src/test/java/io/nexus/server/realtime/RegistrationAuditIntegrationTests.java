package io.nexus.server.realtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refused registrations reach the audit trail at most once per address and minute; the
 * next event counts the ones in between.
 */
class RegistrationAuditIntegrationTests extends ApiIntegrationTest {

	@Autowired
	AuditLog audit;

	private Instant now = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void refusalsArePerAddressAndMinuteAndCountTheOnesInBetween() {
		RegistrationAudit registrations = new RegistrationAudit(this.audit, new Clock() {

			@Override
			public Instant instant() {
				return RegistrationAuditIntegrationTests.this.now;
			}

			@Override
			public ZoneOffset getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(java.time.ZoneId zone) {
				return this;
			}

		});
		for (int i = 0; i < 4; i++) {
			registrations.refused("flood", "10.0.0.1", "unknown agent or wrong token");
		}
		registrations.refused("other", "10.0.0.2", "unknown agent or wrong token");
		assertThat(details()).containsExactly("10.0.0.1 unknown agent or wrong token",
				"10.0.0.2 unknown agent or wrong token");
		this.now = this.now.plus(RegistrationAudit.WINDOW).minusSeconds(1);
		registrations.refused("flood", "10.0.0.1", "unknown agent or wrong token");
		assertThat(details()).hasSize(2);
		this.now = this.now.plus(Duration.ofSeconds(1));
		registrations.refused("flood", "10.0.0.1", "unknown agent or wrong token");
		assertThat(details()).hasSize(3)
			.last()
			.isEqualTo("10.0.0.1 unknown agent or wrong token; 4 more refused registration(s) from this address since "
					+ "the last one recorded");
	}

	private List<String> details() {
		return this.jdbc
			.sql("SELECT address, detail FROM audit_log WHERE action = 'agent.register' AND actor LIKE 'agent:%' "
					+ "ORDER BY seq")
			.query((rs, rowNum) -> rs.getString("address") + " " + rs.getString("detail"))
			.list();
	}

}
