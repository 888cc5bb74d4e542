package io.nexus.server.governance;

import java.nio.file.Path;

import io.nexus.server.NexusApplication;
import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task awaiting approval stays so across a restart on the same data directory, with its
 * deadline and the approvals already given; the approval still to come releases it.
 */
class ApprovalRestartIntegrationTests {

	private static final String PASSWORD = "restart-password-1";

	@TempDir
	Path dataDir;

	@Test
	void aTaskAwaitingApprovalKeepsItsStateDeadlineAndApprovalsAcrossARestart() {
		String task;
		String deadline;
		try (ConfigurableApplicationContext first = start()) {
			ApiClient admin = new ApiClient(port(first)).login("admin", PASSWORD);
			for (String name : new String[] { "erin", "frank" }) {
				admin.post("/api/users",
						"{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"operator\"}");
			}
			task = admin
				.post("/api/tasks",
						"{\"title\":\"survive\",\"approval\":{\"approvers\":{\"users\":"
								+ "[\"erin\",\"frank\"]},\"min_approvals\":2,\"timeout_seconds\":3600}}")
				.field("id");
			Response approved = new ApiClient(port(first)).login("erin", PASSWORD)
				.post("/api/tasks/" + task + "/approve", "{\"comment\":\"one\"}");
			assertThat(approved.status()).as(approved.body()).isEqualTo(200);
			deadline = admin.get("/api/tasks/" + task + "/approval").field("deadline_at");
		}
		try (ConfigurableApplicationContext second = start()) {
			ApiClient admin = new ApiClient(port(second)).login("admin", PASSWORD);
			assertThat(admin.get("/api/tasks/" + task).field("status")).isEqualTo("awaiting_approval");
			Response approval = admin.get("/api/tasks/" + task + "/approval");
			assertThat(approval.field("deadline_at")).isEqualTo(deadline);
			assertThat(approval.field("approvals")).isEqualTo("1");
			ApiClient erin = new ApiClient(port(second)).login("erin", PASSWORD);
			assertThat(erin.post("/api/tasks/" + task + "/approve", "{}").problemType())
				.isEqualTo("urn:nexus:problem:already_decided");
			Response released = new ApiClient(port(second)).login("frank", PASSWORD)
				.post("/api/tasks/" + task + "/approve", "{}");
			assertThat(released.field("state")).isEqualTo("approved");
			assertThat(admin.get("/api/tasks/" + task).field("status")).isEqualTo("queued");
		}
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(NexusApplication.class).run("--server.port=0",
				"--server.shutdown=immediate", "--NEXUS_DATA_DIR=" + this.dataDir,
				"--nexus.security.admin-password=" + PASSWORD);
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

}
