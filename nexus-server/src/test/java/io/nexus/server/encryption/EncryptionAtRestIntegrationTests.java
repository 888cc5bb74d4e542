package io.nexus.server.encryption;

import java.util.Base64;
import java.util.Map;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code NEXUS_ENCRYPTION_KEY} set, task payloads and results are ciphertext in the
 * database and plaintext over the API and to agents; damaged or unreadable values answer
 * with a clear problem, never with ciphertext.
 */
@TestPropertySource(properties = "nexus.encryption.key=key-a:" + FieldCipherTests.KEY_A)
class EncryptionAtRestIntegrationTests extends ApiIntegrationTest {

	private static final String MARKER = "confidential-marker-7f3a";

	@Test
	void payloadAndResultAreCiphertextInTheDatabaseAndPlaintextToApiAndAgent() {
		Response agent = this.api.post("/api/agents", "{\"name\":\"enc-agent\",\"capabilities\":[\"enc\"]}");
		try (RawAgent socket = RawAgent.register(this.port, agent.field("id"), agent.field("token"))) {
			String task = createTask(
					"{\"title\":\"secret work\",\"category\":\"enc\",\"payload\":{\"input\":\"" + MARKER + "-in\"}}");
			JsonNode assigned = socket.next("task_assigned");
			assertThat(assigned.get("task_id").asString()).isEqualTo(task);
			assertThat(assigned.get("payload").get("input").asString()).isEqualTo(MARKER + "-in");
			long epoch = assigned.get("lease_epoch").asLong();
			socket.send("{\"type\":\"task_complete\",\"id\":\"c1\",\"task_id\":\"" + task + "\",\"lease_epoch\":"
					+ epoch + ",\"result\":{\"output\":\"" + MARKER + "-out\"}}");
			assertThat(socket.next("ack").get("id").asString()).isEqualTo("c1");

			Map<String, Object> raw = raw(task);
			assertThat((String) raw.get("payload")).startsWith(FieldCipher.PREFIX).doesNotContain(MARKER);
			assertThat((String) raw.get("result")).startsWith(FieldCipher.PREFIX).doesNotContain(MARKER);
			assertThat(raw.get("payload_key_id")).isEqualTo("key-a");
			assertThat(raw.get("result_key_id")).isEqualTo("key-a");

			Response read = this.api.get("/api/tasks/" + task);
			assertThat(read.json().get("payload").get("input").asString()).isEqualTo(MARKER + "-in");
			assertThat(read.json().get("result").get("output").asString()).isEqualTo(MARKER + "-out");
			assertThat(this.api.get("/api/tasks?limit=50").body()).contains(MARKER + "-in").doesNotContain("nxenc:");
		}
	}

	@Test
	void batchCreatedAndRetriedTasksAreEncryptedUnderTheirOwnIds() {
		Response batch = this.api.post("/api/tasks/batch",
				"{\"tasks\":[{\"title\":\"b1\",\"category\":\"none\",\"payload\":\"" + MARKER
						+ "\"},{\"title\":\"b2\",\"category\":\"none\",\"payload\":[\"" + MARKER + "\"]}]}");
		assertThat(batch.status()).as(batch.body()).isEqualTo(201);
		String first = this.jdbc.sql("SELECT id FROM tasks WHERE title = 'b1'").query(String.class).single();
		assertThat((String) raw(first).get("payload")).doesNotContain(MARKER);
		assertThat(this.api.put("/api/tasks/" + first, "{\"status\":\"failed\",\"reason\":\"try again\"}").status())
			.isEqualTo(200);
		Response retry = this.api.post("/api/tasks/" + first + "/retry", "");
		assertThat(retry.status()).as(retry.body()).isIn(200, 201);
		String copy = retry.field("id");
		assertThat(copy).isNotEqualTo(first);
		assertThat(retry.field("payload")).isEqualTo(MARKER);
		assertThat((String) raw(copy).get("payload")).doesNotContain(MARKER).isNotEqualTo(raw(first).get("payload"));
		assertThat(this.jdbc.sql("SELECT COUNT(*) FROM tasks WHERE payload LIKE :m OR result LIKE :m")
			.param("m", "%" + MARKER + "%")
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void tamperedOrMovedCiphertextIsNeverShownAndIsMarkedUnreadable() {
		String task = createTask("{\"title\":\"t1\",\"category\":\"none\",\"payload\":{\"amount\":100}}");
		String other = createTask("{\"title\":\"t2\",\"category\":\"none\",\"payload\":{\"amount\":999999}}");
		String stored = (String) raw(task).get("payload");
		byte[] bytes = Base64.getDecoder().decode(stored.substring(FieldCipher.PREFIX.length()));
		bytes[bytes.length - 20] ^= 4;
		setPayload(task, FieldCipher.PREFIX + Base64.getEncoder().encodeToString(bytes), "key-a");
		Response tampered = this.api.get("/api/tasks/" + task);
		assertThat(tampered.status()).isEqualTo(200);
		assertThat(tampered.json().get("payload").isNull()).isTrue();
		assertThat(tampered.json().get("unreadable").toString()).isEqualTo("[\"payload: integrity check failed\"]");
		assertThat(tampered.body()).doesNotContain("nxenc:").doesNotContain("amount");

		setPayload(task, (String) raw(other).get("payload"), "key-a");
		Response moved = this.api.get("/api/tasks/" + task);
		assertThat(moved.status()).isEqualTo(200);
		assertThat(moved.json().get("unreadable").toString()).isEqualTo("[\"payload: integrity check failed\"]");
		assertThat(moved.body()).doesNotContain("999999");
		assertThat(this.api.get("/api/tasks/" + other).json().get("unreadable").size()).isZero();
	}

	@Test
	void aValueUnderAKeyThisServerLacksIsMarkedNamingTheKey() {
		String task = createTask("{\"title\":\"orphan\",\"category\":\"none\",\"payload\":{\"k\":1}}");
		this.jdbc.sql("UPDATE tasks SET payload_key_id = 'key-lost' WHERE id = :id").param("id", task).update();
		try {
			assertKeyLostIsReported(task);
		}
		finally {
			this.jdbc.sql("UPDATE tasks SET payload_key_id = 'key-a' WHERE id = :id").param("id", task).update();
		}
		assertThat(this.api.get("/api/tasks/" + task).status()).isEqualTo(200);
	}

	private void assertKeyLostIsReported(String task) {
		Response read = this.api.get("/api/tasks/" + task);
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.json().get("payload").isNull()).isTrue();
		assertThat(read.json().get("unreadable").toString()).isEqualTo("[\"payload: key key-lost missing\"]");
		assertThat(read.body()).doesNotContain("nxenc:");
		JsonNode status = this.api.get("/api/admin/encryption").json();
		assertThat(status.get("unreadable_key_ids").toString()).contains("key-lost");

		Response rotate = this.api.post("/api/admin/encryption/rotate", "");
		assertThat(rotate.status()).isEqualTo(503);
		assertThat(rotate.field("key_id")).isEqualTo("key-lost");
		assertThat(this.api.get("/api/audit?action=encryption.rotated&outcome=failure").json().get("items").size())
			.isGreaterThanOrEqualTo(1);
	}

	@Test
	void plaintextRowsFromBeforeTheKeyStillReadAndRotationEncryptsThem() {
		String task = createTask("{\"title\":\"legacy\",\"category\":\"none\",\"payload\":{\"old\":true}}");
		setPayload(task, "{\"old\":\"" + MARKER + "\"}", null);
		assertThat(this.api.get("/api/tasks/" + task).json().get("payload").get("old").asString()).isEqualTo(MARKER);
		JsonNode before = this.api.get("/api/admin/encryption").json();
		assertThat(before.get("enabled").asBoolean()).isTrue();
		assertThat(before.get("active_key_id").asString()).isEqualTo("key-a");
		assertThat(before.get("values_pending").asLong()).isGreaterThanOrEqualTo(1);

		Response rotate = this.api.post("/api/admin/encryption/rotate", "");
		assertThat(rotate.status()).as(rotate.body()).isEqualTo(200);
		assertThat(rotate.field("active_key_id")).isEqualTo("key-a");
		assertThat(rotate.json().get("reencrypted").get("tasks").asLong()).isGreaterThanOrEqualTo(1);
		assertThat(rotate.json().get("remaining").asLong()).isZero();
		assertThat((String) raw(task).get("payload")).doesNotContain(MARKER);
		assertThat(raw(task).get("payload_key_id")).isEqualTo("key-a");
		assertThat(this.api.get("/api/tasks/" + task).json().get("payload").get("old").asString()).isEqualTo(MARKER);
		assertThat(this.api.get("/api/admin/encryption").json().get("values_pending").asLong()).isZero();
		assertThat(this.api.get("/api/audit?action=encryption.rotated&outcome=success").json().get("items").size())
			.isGreaterThanOrEqualTo(1);
	}

	private String createTask(String json) {
		Response response = this.api.post("/api/tasks", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

	private Map<String, Object> raw(String task) {
		return this.jdbc.sql("SELECT payload, payload_key_id, result, result_key_id FROM tasks WHERE id = :id")
			.param("id", task)
			.query((rs, rowNum) -> {
				Map<String, Object> row = new java.util.HashMap<>();
				row.put("payload", rs.getString("payload"));
				row.put("payload_key_id", rs.getString("payload_key_id"));
				row.put("result", rs.getString("result"));
				row.put("result_key_id", rs.getString("result_key_id"));
				return row;
			})
			.single();
	}

	private void setPayload(String task, String payload, String keyId) {
		this.jdbc.sql("UPDATE tasks SET payload = :payload, payload_key_id = :keyId WHERE id = :id")
			.param("payload", payload)
			.param("keyId", keyId)
			.param("id", task)
			.update();
	}

}
