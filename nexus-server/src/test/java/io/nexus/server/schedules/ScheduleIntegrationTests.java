package io.nexus.server.schedules;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.SdkAgents;
import io.nexus.server.tasks.TaskRetention;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scheduled tasks over HTTP: run_at holds a task until its time, schedules are checked in
 * full, and the sweeper, driven with chosen instants, applies overlap and catch-up
 * policies and daylight saving time as the time zone says.
 */
class ScheduleIntegrationTests extends ApiIntegrationTest {

	private static final String TEMPLATE = "{\"title\":\"nightly report\",\"category\":\"nobody-runs-this\"}";

	/** Far enough ahead that no sweep by the real clock fires what a test arms. */
	private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

	@Autowired
	private ScheduleSweeper sweeper;

	@Autowired
	private TaskRetention retention;

	@BeforeEach
	void noSchedules() {
		this.jdbc.sql("DELETE FROM schedules").update();
	}

	@Test
	void aTaskWithRunAtWaitsForItsTimeThenStartsByItselfAndIsAssignedEarlyOnlyByForce() {
		Response registered = this.api.post("/api/agents",
				"{\"name\":\"timed\",\"capabilities\":[\"timed\"],\"max_concurrency\":2}");
		try (SdkAgents agents = new SdkAgents(this.port)) {
			agents
				.start(agents.builder(registered.field("id"), registered.field("token"), (context) -> "done", "timed"));
			Instant runAt = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
			Response created = this.api.post("/api/tasks",
					"{\"title\":\"later\",\"category\":\"timed\",\"run_at\":\"" + runAt + "\"}");
			assertThat(created.status()).as(created.body()).isEqualTo(201);
			String id = created.field("id");
			Response waiting = this.api.get("/api/tasks/" + id);
			assertThat(waiting.field("status")).isEqualTo("queued");
			assertThat(Instant.parse(waiting.field("run_at"))).isEqualTo(runAt);
			assertThat(waiting.field("waiting_reason")).isEqualTo("scheduled to run at " + runAt + " (run_at)");
			Response early = this.api.post("/api/tasks/" + id + "/assign",
					"{\"agent_id\":\"" + registered.field("id") + "\"}");
			assertThat(early.status()).as(early.body()).isEqualTo(409);
			assertThat(early.problemType()).isEqualTo("urn:nexus:problem:task_not_due");

			await().atMost(Duration.ofSeconds(20))
				.until(() -> this.api.get("/api/tasks/" + id).field("status"), "completed"::equals);
			Response done = this.api.get("/api/tasks/" + id);
			assertThat(Instant.parse(done.field("assigned_at"))).isAfterOrEqualTo(runAt);
			assertThat(Instant.parse(done.field("run_at"))).as("kept once it ran").isEqualTo(runAt);

			String forced = this.api
				.post("/api/tasks",
						"{\"title\":\"forced\",\"category\":\"timed\",\"run_at\":\"" + runAt.plusSeconds(3600) + "\"}")
				.field("id");
			Response assigned = this.api.post("/api/tasks/" + forced + "/assign",
					"{\"agent_id\":\"" + registered.field("id") + "\",\"force\":true}");
			assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> this.api.get("/api/tasks/" + forced).field("status"), "completed"::equals);
		}
		Response tooFar = this.api.post("/api/tasks",
				"{\"title\":\"too far\",\"run_at\":\"" + Instant.now().plus(Duration.ofDays(400)) + "\"}");
		assertThat(tooFar.status()).isEqualTo(422);
		assertThat(tooFar.json().get("field").asString()).isEqualTo("run_at");
		Response past = this.api.post("/api/tasks",
				"{\"title\":\"past\",\"category\":\"nobody-runs-this\",\"run_at\":\"2020-01-01T00:00:00Z\"}");
		assertThat(past.status()).isEqualTo(201);
		assertThat(past.json().get("run_at").isNull()).as("a past run_at means now").isTrue();
	}

	@Test
	void aScheduleIsCheckedInFullAndNothingInvalidIsStored() {
		assertInvalid("{\"name\":\"a\",\"template\":" + TEMPLATE + ",\"cron\":\"every day\"}", "cron");
		assertInvalid("{\"name\":\"a\",\"template\":" + TEMPLATE + ",\"cron\":\"0 0 0 30 2 *\"}", "cron");
		assertInvalid("{\"name\":\"a\",\"template\":" + TEMPLATE + ",\"cron\":\"0 0 * * * *\",\"interval_seconds\":60}",
				"cron");
		assertInvalid("{\"name\":\"a\",\"template\":" + TEMPLATE + "}", "cron");
		assertInvalid("{\"name\":\"a\",\"template\":" + TEMPLATE
				+ ",\"cron\":\"0 0 * * * *\",\"time_zone\":\"Europe/Atlantis\"}", "time_zone");
		assertInvalid("{\"name\":\"a\",\"template\":{\"category\":\"x\"},\"interval_seconds\":60}", "template.title");
		assertInvalid("{\"name\":\"a\",\"template\":{\"title\":\"t\",\"priority\":\"urgent\"},\"interval_seconds\":60}",
				"template.priority");
		assertInvalid("{\"name\":\"a\",\"template\":{\"title\":\"t\",\"max_attempts\":0},\"interval_seconds\":60}",
				"template.max_attempts");
		assertInvalid("{\"name\":\"a\",\"template\":{\"title\":\"t\",\"id\":\"fixed\"},\"interval_seconds\":60}",
				"template.id");
		assertInvalid("{\"name\":\"a\",\"template\":[1],\"interval_seconds\":60}", "template");
		assertInvalid("{\"name\":\"a\",\"template\":" + TEMPLATE + ",\"interval_seconds\":60,\"overlap\":\"queue\"}",
				"overlap");
		assertInvalid("{\"name\":\"a\",\"template\":" + TEMPLATE + ",\"interval_seconds\":60,\"catch_up\":\"some\"}",
				"catch_up");
		assertThat(
				this.api.post("/api/schedules", "{\"name\":\"a\",\"template\":" + TEMPLATE + ",\"interval_seconds\":0}")
					.status())
			.isEqualTo(400);
		assertThat(rows("schedules")).isZero();
	}

	@Test
	void anAdminCreatesChangesPausesResumesAndDeletesSchedulesThatEveryRoleReads() {
		Response created = this.api.post("/api/schedules", "{\"name\":\"hourly sync\",\"template\":" + TEMPLATE
				+ ",\"cron\":\"0 0 * * * *\",\"time_zone\":\"Europe/Berlin\",\"overlap\":\"allow\",\"catch_up\":\"all\"}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String id = created.field("id");
		JsonNode body = created.json();
		assertThat(body.get("template").get("title").asString()).isEqualTo("nightly report");
		assertThat(body.get("overlap").asString()).isEqualTo("allow");
		assertThat(body.get("catch_up").asString()).isEqualTo("all");
		assertThat(body.get("paused").asBoolean()).isFalse();
		List<Instant> next = body.get("next_fire_times")
			.valueStream()
			.map((time) -> Instant.parse(time.asString()))
			.toList();
		assertThat(next).hasSize(5);
		assertThat(next.get(0)).isEqualTo(Instant.parse(body.get("next_fire_at").asString())).isAfter(Instant.now());
		assertThat(Duration.between(next.get(0), next.get(1))).isEqualTo(Duration.ofHours(1));
		assertThat(this.api
			.post("/api/schedules", "{\"name\":\"hourly sync\",\"template\":" + TEMPLATE + ",\"interval_seconds\":60}")
			.problemType()).isEqualTo("urn:nexus:problem:schedule_name_taken");

		ApiClient viewer = viewer();
		assertThat(viewer.get("/api/schedules").json().get("items")).hasSize(1);
		assertThat(viewer.get("/api/schedules/" + id).field("name")).isEqualTo("hourly sync");
		assertThat(viewer.post("/api/schedules/" + id + "/pause", "").status()).isEqualTo(403);

		Response paused = this.api.post("/api/schedules/" + id + "/pause", "");
		assertThat(paused.json().get("paused").asBoolean()).isTrue();
		Response resumed = this.api.post("/api/schedules/" + id + "/resume", "");
		assertThat(resumed.json().get("paused").asBoolean()).isFalse();
		Response changed = this.api.put("/api/schedules/" + id,
				"{\"name\":\"sync\",\"template\":" + TEMPLATE + ",\"interval_seconds\":900}");
		assertThat(changed.status()).as(changed.body()).isEqualTo(200);
		assertThat(changed.json().get("interval_seconds").asLong()).isEqualTo(900);
		assertThat(changed.json().get("cron").isNull()).isTrue();
		assertThat(changed.field("overlap")).as("the default").isEqualTo("skip");
		assertThat(changed.field("catch_up")).as("the default").isEqualTo("latest");
		assertThat(this.api.get("/api/audit?action=schedule.updated").body()).contains(id);

		assertThat(this.api.delete("/api/schedules/" + id).status()).isEqualTo(204);
		assertThat(this.api.get("/api/schedules/" + id).problemType())
			.isEqualTo("urn:nexus:problem:schedule_not_found");
	}

	@Test
	void overlapSkipsAllowsOrCancelsWhileThePreviousTaskHasNotFinished() {
		String skip = armed("skip", "{\"interval_seconds\":60,\"overlap\":\"skip\"}", T0);
		String allow = armed("allow", "{\"interval_seconds\":60,\"overlap\":\"allow\"}", T0);
		String cancel = armed("cancel", "{\"interval_seconds\":60,\"overlap\":\"cancel_previous\"}", T0);
		assertThat(this.sweeper.sweep(T0.plusMillis(300))).isEqualTo(3);
		String skipFirst = lastTask(skip);
		String allowFirst = lastTask(allow);
		String cancelFirst = lastTask(cancel);
		assertThat(this.api.get("/api/tasks/" + skipFirst).field("created_by")).isEqualTo("schedule:" + skip);

		assertThat(this.sweeper.sweep(T0.plusSeconds(60))).isEqualTo(2);
		assertThat(lastTask(skip)).isEqualTo(skipFirst);
		assertThat(fires(skip).get(0).get("outcome").asString()).isEqualTo("skipped");
		assertThat(fires(skip).get(0).get("detail").asString()).contains(skipFirst).contains("queued");
		assertThat(lastTask(allow)).isNotEqualTo(allowFirst);
		assertThat(this.api.get("/api/tasks/" + allowFirst).field("status")).isEqualTo("queued");
		assertThat(lastTask(cancel)).isNotEqualTo(cancelFirst);
		Response cancelled = this.api.get("/api/tasks/" + cancelFirst);
		assertThat(cancelled.field("status")).isEqualTo("cancelled");
		assertThat(cancelled.field("status_reason")).startsWith("cancel_previous: schedule cancel fired at");

		this.api.put("/api/tasks/" + skipFirst, "{\"status\":\"completed\"}");
		assertThat(this.sweeper.sweep(T0.plusSeconds(120))).isEqualTo(3);
		assertThat(lastTask(skip)).isNotEqualTo(skipFirst);
		assertThat(this.sweeper.sweep(T0.plusSeconds(120))).as("a fire time is handled once").isZero();
		assertThat(this.api.get("/api/schedules/" + skip).field("last_fired_at"))
			.isEqualTo(T0.plusSeconds(120).toString());
	}

	@Test
	void afterDowntimeMissedFireTimesAreSkippedFiredOnceOrFiredUpToTheBound() {
		String none = armed("none", "{\"interval_seconds\":600,\"overlap\":\"allow\",\"catch_up\":\"none\"}", T0);
		String latest = armed("latest", "{\"interval_seconds\":600,\"overlap\":\"allow\",\"catch_up\":\"latest\"}", T0);
		String all = armed("all", "{\"interval_seconds\":60,\"overlap\":\"allow\",\"catch_up\":\"all\"}", T0);
		// down from T0 to T0 + 65 min: 7 fire times of the ten-minute schedules, 66 of
		// the one-minute schedule were missed
		Instant back = T0.plus(Duration.ofMinutes(65));
		assertThat(this.sweeper.sweep(back)).isEqualTo(0 + 1 + 10);
		assertThat(fires(none)).isEmpty();
		assertThat(this.api.get("/api/schedules/" + none).field("next_fire_at"))
			.isEqualTo(T0.plus(Duration.ofMinutes(70)).toString());
		assertThat(fires(latest)).singleElement()
			.satisfies((fire) -> assertThat(fire.get("fire_time").asString())
				.isEqualTo(T0.plus(Duration.ofMinutes(60)).toString()));
		List<String> allTimes = fires(all).stream().map((fire) -> fire.get("fire_time").asString()).toList();
		assertThat(allTimes).hasSize(10).first().isEqualTo(T0.plus(Duration.ofMinutes(65)).toString());
		assertThat(allTimes).last().isEqualTo(T0.plus(Duration.ofMinutes(56)).toString());
		// on time again: every schedule fires its next fire time
		assertThat(this.sweeper.sweep(T0.plus(Duration.ofMinutes(70)).plusSeconds(1))).isEqualTo(1 + 1 + 5);
		assertThat(fires(none)).hasSize(1);
	}

	@Test
	void aDailyCronFollowsTheTimeZoneAcrossSpringForwardAndFallBack() {
		// Europe/Berlin: 2027-03-28 02:00 CET becomes 03:00 CEST; 2027-10-31 03:00 CEST
		// becomes 02:00 CET
		String daily = armed("daily", "{\"cron\":\"0 30 2 * * *\",\"time_zone\":\"Europe/Berlin\"}",
				Instant.parse("2027-03-27T01:30:00Z"));
		this.sweeper.sweep(Instant.parse("2027-03-27T01:30:00.200Z"));
		complete(lastTask(daily));
		assertThat(nextFireAt(daily)).as("02:30 does not exist: 03:30 CEST").isEqualTo("2027-03-28T01:30:00Z");
		this.sweeper.sweep(Instant.parse("2027-03-28T01:30:00.200Z"));
		complete(lastTask(daily));
		assertThat(nextFireAt(daily)).isEqualTo("2027-03-29T00:30:00Z");

		this.jdbc.sql("UPDATE schedules SET next_fire_at = :at WHERE id = :id")
			.param("at", OffsetDateTime.parse("2027-10-30T00:30:00Z"))
			.param("id", daily)
			.update();
		this.sweeper.sweep(Instant.parse("2027-10-30T00:30:00.200Z"));
		complete(lastTask(daily));
		assertThat(nextFireAt(daily)).isEqualTo("2027-10-31T00:30:00Z");
		assertThat(this.sweeper.sweep(Instant.parse("2027-10-31T00:30:00.200Z"))).isEqualTo(1);
		complete(lastTask(daily));
		assertThat(nextFireAt(daily)).as("02:30 happens twice: it fires the first time only")
			.isEqualTo("2027-11-01T01:30:00Z");
		assertThat(this.sweeper.sweep(Instant.parse("2027-10-31T01:30:00.200Z"))).isZero();
		assertThat(fires(daily)).hasSize(4)
			.allSatisfy((fire) -> assertThat(fire.get("outcome").asString()).isEqualTo("created"));
	}

	@Test
	void retentionKeepsTheLastTaskOfASchedule() {
		String schedule = armed("kept", "{\"interval_seconds\":60,\"overlap\":\"allow\"}", T0);
		this.sweeper.sweep(T0);
		String first = lastTask(schedule);
		this.sweeper.sweep(T0.plusSeconds(60));
		String last = lastTask(schedule);
		complete(first);
		complete(last);
		this.jdbc.sql("UPDATE tasks SET finished_at = :old WHERE id IN (:ids)")
			.param("old", OffsetDateTime.of(2001, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))
			.param("ids", List.of(first, last))
			.update();
		this.retention.prune();
		assertThat(this.api.get("/api/tasks/" + first).status()).isEqualTo(404);
		assertThat(this.api.get("/api/tasks/" + last).status()).isEqualTo(200);
	}

	private String armed(String name, String timing, Instant next) {
		String body = timing.substring(0, timing.length() - 1) + ",\"name\":\"" + name + "\",\"paused\":true,"
				+ "\"template\":" + TEMPLATE + "}";
		Response created = this.api.post("/api/schedules", body);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String id = created.field("id");
		this.jdbc.sql("UPDATE schedules SET next_fire_at = :at, paused = FALSE WHERE id = :id")
			.param("at", next.atOffset(ZoneOffset.UTC))
			.param("id", id)
			.update();
		return id;
	}

	private void complete(String task) {
		assertThat(this.api.put("/api/tasks/" + task, "{\"status\":\"completed\"}").status()).isEqualTo(200);
	}

	private String lastTask(String schedule) {
		return this.api.get("/api/schedules/" + schedule).field("last_task_id");
	}

	private String nextFireAt(String schedule) {
		return this.api.get("/api/schedules/" + schedule).field("next_fire_at");
	}

	private List<JsonNode> fires(String schedule) {
		return this.api.get("/api/schedules/" + schedule + "/fires").json().get("items").valueStream().toList();
	}

	private void assertInvalid(String body, String field) {
		Response response = this.api.post("/api/schedules", body);
		assertThat(response.status()).as(response.body()).isEqualTo(422);
		assertThat(response.json().get("field").asString()).as(response.body()).isEqualTo(field);
	}

	private ApiClient viewer() {
		this.api.post("/api/users",
				"{\"username\":\"sched-viewer\",\"password\":\"viewer-pass-1\",\"role\":\"viewer\"}");
		return new ApiClient(this.port).login("sched-viewer", "viewer-pass-1");
	}

}
