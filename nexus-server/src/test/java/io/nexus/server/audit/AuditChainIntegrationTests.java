package io.nexus.server.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hash chain of the audit trail: concurrent appends stay one valid chain, tampering
 * (changed, deleted, moved or truncated events) is reported at the first event that no
 * longer holds, pruning keeps the chain verifiable, and the export streams it.
 */
class AuditChainIntegrationTests extends ApiIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	AuditLog audit;

	@Autowired
	AuditChain chain;

	/** Every test starts from an empty chain (after the admin's login). */
	@BeforeEach
	void emptyChain() {
		this.jdbc.sql("DELETE FROM audit_log").update();
		this.jdbc.sql("DELETE FROM audit_checkpoints").update();
		this.jdbc.sql("UPDATE audit_chain_head SET last_seq = 0, last_hash = :genesis WHERE id = 1")
			.param("genesis", AuditHashes.GENESIS)
			.update();
	}

	@Test
	void concurrentAppendsFormOneValidChain() throws Exception {
		int threads = 8;
		int each = 40;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				futures.add(executor.submit(() -> {
					for (int i = 0; i < each; i++) {
						this.audit.recordAs("writer-" + thread, "test.append", "t" + thread, AuditLog.SUCCESS,
								"event " + i);
					}
				}));
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			executor.shutdownNow();
		}
		JsonNode verification = verify("");
		assertThat(verification.get("valid").asBoolean()).isTrue();
		assertThat(verification.get("rows_checked").asLong()).isEqualTo(threads * each);
		assertThat(verification.get("first_broken_id").isNull()).isTrue();
		assertThat(rows("audit_log")).isEqualTo(threads * each);
		long head = this.jdbc.sql("SELECT MAX(seq) FROM audit_log").query(Long.class).single();
		assertThat(verification.get("head").get("seq").asLong()).isEqualTo(head).isEqualTo(threads * each);
		Response headAnswer = this.api.get("/api/audit/head");
		assertThat(headAnswer.json().get("hash").asString()).isEqualTo(hashOf(head)).hasSize(64);
	}

	@Test
	void aChangedDetailIsReportedAtItsEvent() {
		appendEvents(10);
		this.jdbc.sql("UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 4").update();
		JsonNode verification = verify("");
		assertThat(verification.get("valid").asBoolean()).isFalse();
		assertThat(verification.get("first_broken_id").asLong()).isEqualTo(4);
		assertThat(verification.get("reason").asString()).contains("changed");
		assertThat(verification.get("rows_checked").asLong()).isEqualTo(4);
	}

	@Test
	void aChangedActorWithItsHashRecomputedBreaksTheNextLink() {
		appendEvents(5);
		AuditEntry third = entry(3);
		AuditEntry forged = new AuditEntry(3, third.occurredAt(), third.action(), third.outcome(), "someone-else",
				third.target(), third.address(), third.detail(), third.prevHash(), null);
		this.jdbc.sql("UPDATE audit_log SET actor = 'someone-else', hash = :hash WHERE seq = 3")
			.param("hash", AuditHashes.hash(forged, 3, third.prevHash()))
			.update();
		assertThat(verify("").get("first_broken_id").asLong()).isEqualTo(4);
	}

	@Test
	void aDeletedEventIsReportedAtTheEventAfterIt() {
		appendEvents(10);
		this.jdbc.sql("DELETE FROM audit_log WHERE seq = 6").update();
		JsonNode verification = verify("");
		assertThat(verification.get("valid").asBoolean()).isFalse();
		assertThat(verification.get("first_broken_id").asLong()).isEqualTo(7);
		assertThat(verification.get("reason").asString()).contains("prev_hash");
	}

	@Test
	void swappedEventsAreReportedAtTheFirstOfThem() {
		appendEvents(10);
		this.jdbc.sql("UPDATE audit_log SET seq = 1000 WHERE seq = 5").update();
		this.jdbc.sql("UPDATE audit_log SET seq = 5 WHERE seq = 8").update();
		this.jdbc.sql("UPDATE audit_log SET seq = 8 WHERE seq = 1000").update();
		assertThat(verify("").get("first_broken_id").asLong()).isEqualTo(5);
	}

	@Test
	void eventsDeletedAtTheEndAreReportedAgainstTheHead() {
		appendEvents(10);
		String headBefore = this.api.get("/api/audit/head").json().get("hash").asString();
		this.jdbc.sql("DELETE FROM audit_log WHERE seq >= 9").update();
		JsonNode verification = verify("");
		assertThat(verification.get("valid").asBoolean()).isFalse();
		assertThat(verification.get("first_broken_id").asLong()).isEqualTo(10);
		assertThat(verification.get("reason").asString()).contains("end");
		// if the head is rewound too, only an exported copy of it tells
		this.jdbc.sql("UPDATE audit_chain_head SET last_seq = 8, last_hash = :hash WHERE id = 1")
			.param("hash", hashOf(8))
			.update();
		JsonNode rewound = verify("");
		assertThat(rewound.get("valid").asBoolean()).isTrue();
		assertThat(rewound.get("head").get("hash").asString()).isNotEqualTo(headBefore);
	}

	@Test
	void aRangeIsVerifiedFromTheEventBeforeIt() {
		appendEvents(10);
		this.jdbc.sql("UPDATE audit_log SET detail = 'forged' WHERE seq = 3").update();
		JsonNode after = verify("?from=5&to=9");
		assertThat(after.get("valid").asBoolean()).isTrue();
		assertThat(after.get("rows_checked").asLong()).isEqualTo(5);
		assertThat(after.get("from_seq").asLong()).isEqualTo(5);
		assertThat(after.get("to_seq").asLong()).isEqualTo(9);
		JsonNode around = verify("?from=2&to=4");
		assertThat(around.get("first_broken_id").asLong()).isEqualTo(3);
		Response backwards = this.api.get("/api/audit/verify?from=5&to=2");
		assertThat(backwards.status()).isEqualTo(400);
		assertThat(backwards.isProblem()).isTrue();
		assertThat(this.api.get("/api/audit/verify?from=abc").status()).isEqualTo(400);
	}

	@Test
	void eventsWrittenBeforeTheChainAreSealedIntoIt() {
		for (int seq = 1; seq <= 3; seq++) {
			this.jdbc.sql("""
					INSERT INTO audit_log (seq, occurred_at, action, outcome, actor, detail)
					VALUES (:seq, CURRENT_TIMESTAMP, 'legacy.event', 'success', 'old', 'before V20')
					""").param("seq", seq).update();
		}
		this.chain.afterPropertiesSet();
		this.audit.recordAs("new", "test.append", null, AuditLog.SUCCESS, null);
		JsonNode verification = verify("");
		assertThat(verification.get("valid").asBoolean()).isTrue();
		assertThat(verification.get("rows_checked").asLong()).isEqualTo(4);
		assertThat(verification.get("head").get("seq").asLong()).isEqualTo(4);
	}

	@Test
	void pruningKeepsACheckpointWhereVerificationStarts() {
		appendEvents(5);
		Instant cutoff = Instant.now();
		await().until(() -> Instant.now().isAfter(cutoff.plusMillis(2)));
		appendEvents(3);
		long deleted = this.chain.prune(cutoff);
		assertThat(deleted).isEqualTo(5);
		assertThat(this.jdbc.sql("SELECT MIN(seq) FROM audit_log").query(Long.class).single()).isEqualTo(6);
		String pruned = this.jdbc.sql("SELECT detail FROM audit_log WHERE action = 'audit.pruned'")
			.query(String.class)
			.single();
		String checkpointHash = this.jdbc.sql("SELECT last_hash FROM audit_checkpoints").query(String.class).single();
		assertThat(pruned).contains("5 event(s) through seq 5").contains(checkpointHash);
		JsonNode verification = verify("");
		assertThat(verification.get("valid").asBoolean()).isTrue();
		assertThat(verification.get("rows_checked").asLong()).isEqualTo(4);
		assertThat(verification.get("checkpoint").get("through_seq").asLong()).isEqualTo(5);
		assertThat(verification.get("checkpoint").get("hash").asString()).isEqualTo(checkpointHash);
		assertThat(this.chain.prune(cutoff)).isZero();
		this.jdbc.sql("DELETE FROM audit_log WHERE seq = 6").update();
		assertThat(verify("").get("first_broken_id").asLong()).isEqualTo(7);
	}

	@Test
	void exportStreamsNdjsonInChainOrder() throws Exception {
		appendEvents(3);
		Instant middle = Instant.now();
		await().until(() -> Instant.now().isAfter(middle.plusMillis(2)));
		appendEvents(2);
		Response all = this.api.get("/api/audit/export");
		assertThat(all.status()).isEqualTo(200);
		assertThat(all.contentType()).startsWith("application/x-ndjson");
		List<String> lines = all.body().lines().toList();
		assertThat(lines).hasSize(5);
		JsonNode first = JSON.readTree(lines.get(0));
		assertThat(first.get("seq").asLong()).isEqualTo(1);
		assertThat(first.get("prev_hash").asString()).isEqualTo(AuditHashes.GENESIS);
		assertThat(JSON.readTree(lines.get(1)).get("prev_hash").asString()).isEqualTo(first.get("hash").asString());
		Response later = this.api.get("/api/audit/export?from=" + middle);
		assertThat(later.body().lines().map((line) -> JSON.readTree(line).get("seq").asLong()).toList())
			.containsExactly(4L, 5L);
		Response earlier = this.api.get("/api/audit/export?to=" + middle);
		assertThat(earlier.body().lines().count()).isEqualTo(3);
		Response bad = this.api.get("/api/audit/export?from=yesterday");
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.isProblem()).isTrue();
	}

	@Test
	void selfEnrolmentAndRefusedRegistrationsAreAudited() {
		Response key = this.api.post("/api/enrollment-keys", "{\"name\":\"fleet\",\"capabilities\":[\"audited\"]}");
		String keyId = key.field("id");
		try (RawAgent agent = RawAgent.connect(this.port)) {
			agent.send("{\"type\":\"agent_register\",\"agent_id\":\"enrolled-1\",\"capabilities\":[\"audited\"],"
					+ "\"token\":\"" + key.field("key") + "\"}");
			agent.next("registered");
		}
		JsonNode enrolled = this.api.get("/api/audit?action=agent.enrolled").json().get("items").get(0);
		assertThat(enrolled.get("actor").asString()).isEqualTo("agent:enrolled-1");
		assertThat(enrolled.get("target").asString()).isEqualTo("enrolled-1");
		assertThat(enrolled.get("detail").asString()).contains(keyId);
		assertThat(enrolled.get("address").asString()).isNotBlank();
		for (int i = 0; i < 5; i++) {
			try (RawAgent intruder = RawAgent.connect(this.port)) {
				intruder
					.send("{\"type\":\"agent_register\",\"agent_id\":\"intruder\",\"token\":\"nxa_wrong" + i + "\"}");
				intruder.awaitClose();
			}
		}
		JsonNode refused = this.api.get("/api/audit?action=agent.register").json().get("items");
		assertThat(refused).hasSize(1);
		assertThat(refused.get(0).get("outcome").asString()).isEqualTo("denied");
		assertThat(refused.get(0).get("detail").asString()).isEqualTo("unknown agent or wrong token");
		assertThat(refused.get(0).get("address").asString()).isNotBlank();
		assertThat(refused.toString()).doesNotContain("nxa_wrong");
		assertThat(verify("").get("valid").asBoolean()).isTrue();
	}

	private void appendEvents(int count) {
		for (int i = 0; i < count; i++) {
			this.audit.recordAs("tester", "test.append", "target-" + i, AuditLog.SUCCESS, "event " + i);
		}
	}

	private JsonNode verify(String query) {
		Response response = this.api.get("/api/audit/verify" + query);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return response.json();
	}

	private String hashOf(long seq) {
		return this.jdbc.sql("SELECT hash FROM audit_log WHERE seq = ?").params(seq).query(String.class).single();
	}

	private AuditEntry entry(long seq) {
		return this.audit
			.find(new AuditQuery(null, null, null, null, null, null), io.nexus.server.shared.PageRequest.of(500, null))
			.items()
			.stream()
			.filter((candidate) -> candidate.seq() == seq)
			.findFirst()
			.orElseThrow();
	}

}
