package io.nexus.server.schedules;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nexus.server.schedules.persistence.ScheduleRepository;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.PostgresDatabase;
import io.nexus.server.tasks.TaskService;
import io.nexus.server.tasks.TaskTemplates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on one PostgreSQL fire the same schedules at the same instants, concurrently:
 * one task per fire time, none missing, also when one node is down for a while and when
 * both are down and one comes back and catches up.
 */
@PostgresDatabase
class PostgresTwoNodeScheduleIntegrationTests extends ApiIntegrationTest {

	private static final Instant T0 = Instant.parse("2030-06-01T00:00:00Z");

	private static final int SCHEDULES = 3;

	@Autowired
	private ScheduleSweeper nodeA;

	@Autowired
	private ScheduleRepository repository;

	@Autowired
	private TaskService tasks;

	@Autowired
	private TaskTemplates templates;

	@Autowired
	private ScheduleProperties properties;

	@Autowired
	private TransactionTemplate transaction;

	@Autowired
	private JsonMapper json;

	private ScheduleSweeper nodeB;

	private final ExecutorService threads = Executors.newFixedThreadPool(2);

	@BeforeEach
	void secondNode() {
		this.nodeB = new ScheduleSweeper(this.repository, this.tasks, this.templates, this.properties, this.transaction,
				this.json, Clock.systemUTC(), new SimpleMeterRegistry());
	}

	@AfterEach
	void stopThreads() {
		this.threads.shutdownNow();
	}

	@Test
	void twoNodesFiringEveryMinuteMakeOneTaskPerFireTimeNoneMissingThroughADownedNodeAndARestart() throws Exception {
		List<String> schedules = new ArrayList<>();
		for (int i = 0; i < SCHEDULES; i++) {
			schedules.add(armed("every minute " + i));
		}
		// minutes 0-9: both nodes sweep each instant at the same time, twice
		for (int minute = 0; minute < 10; minute++) {
			Instant at = T0.plus(Duration.ofMinutes(minute)).plusMillis(150);
			both(at);
			both(at.plusMillis(900));
		}
		// minutes 10-14: node A is down (restarting); node B alone keeps firing
		for (int minute = 10; minute < 15; minute++) {
			this.nodeB.sweep(T0.plus(Duration.ofMinutes(minute)).plusMillis(150));
		}
		// minutes 15-19: both nodes are down; at 20:05 they come back and catch up
		// (catch_up all: 15 to 19 were missed, 20 is on time)
		both(T0.plus(Duration.ofMinutes(20)).plusSeconds(5));
		// then both go on as usual
		both(T0.plus(Duration.ofMinutes(21)).plusMillis(150));

		for (String schedule : schedules) {
			List<Instant> fireTimes = this.jdbc
				.sql("SELECT fire_time FROM schedule_fires WHERE schedule_id = :id AND outcome = 'created' "
						+ "AND task_id IS NOT NULL ORDER BY fire_time")
				.param("id", schedule)
				.query((rs, row) -> rs.getObject(1, java.time.OffsetDateTime.class).toInstant())
				.list();
			List<Instant> expected = new ArrayList<>();
			for (int minute = 0; minute <= 21; minute++) {
				expected.add(T0.plus(Duration.ofMinutes(minute)));
			}
			assertThat(fireTimes).as("every fire time of %s, once", schedule).containsExactlyElementsOf(expected);
			long tasksMade = this.jdbc.sql("SELECT COUNT(*) FROM tasks WHERE created_by = :actor")
				.param("actor", "schedule:" + schedule)
				.query(Long.class)
				.single();
			assertThat(tasksMade).as("one task per fire time of %s", schedule).isEqualTo(expected.size());
			long distinctTasks = this.jdbc
				.sql("SELECT COUNT(DISTINCT task_id) FROM schedule_fires WHERE schedule_id = :id")
				.param("id", schedule)
				.query(Long.class)
				.single();
			assertThat(distinctTasks).isEqualTo(expected.size());
			assertThat(Instant.parse(this.api.get("/api/schedules/" + schedule).field("next_fire_at")))
				.isEqualTo(T0.plus(Duration.ofMinutes(22)));
		}
	}

	/** Both nodes sweep at one instant, at the same moment. */
	private void both(Instant at) throws Exception {
		CyclicBarrier start = new CyclicBarrier(2);
		CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> sweepAfter(start, this.nodeA, at),
				this.threads);
		CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> sweepAfter(start, this.nodeB, at),
				this.threads);
		a.get();
		b.get();
	}

	private static int sweepAfter(CyclicBarrier start, ScheduleSweeper node, Instant at) {
		try {
			start.await();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return node.sweep(at);
	}

	private String armed(String name) {
		Response created = this.api.post("/api/schedules",
				"{\"name\":\"" + name + "\",\"interval_seconds\":60,\"overlap\":\"allow\",\"catch_up\":\"all\","
						+ "\"paused\":true,\"template\":{\"title\":\"tick\",\"category\":\"nobody-runs-this\"}}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String id = created.field("id");
		this.jdbc.sql("UPDATE schedules SET next_fire_at = :at, paused = FALSE WHERE id = :id")
			.param("at", T0.atOffset(ZoneOffset.UTC))
			.param("id", id)
			.update();
		return id;
	}

}
