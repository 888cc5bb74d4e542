package io.nexus.server.governance.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.nexus.server.governance.TaskApproval;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.tasks.ApprovalSpec;
import io.nexus.server.tasks.TaskId;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The tables {@code task_approvals} (what a task needs and where it stands),
 * {@code task_approvers} (who may approve at each stage, for the inbox) and
 * {@code task_approval_decisions} (who decided what). Changes of state are conditional on
 * the state read, so that two nodes never both act on one approval.
 */
@Repository
public class ApprovalRepository {

	private final JdbcClient jdbc;

	private final JsonMapper json;

	public ApprovalRepository(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	public void insert(TaskApproval approval) {
		this.jdbc.sql("""
				INSERT INTO task_approvals (task_id, requested_by, policy_id, policy_version, spec, state, stage,
				                            requested_at, deadline_at)
				VALUES (:taskId, :requestedBy, :policyId, :policyVersion, :spec, :state, :stage, :requestedAt,
				        :deadlineAt)
				""")
			.param("taskId", approval.taskId().value())
			.param("requestedBy", approval.requestedBy())
			.param("policyId", approval.policyId())
			.param("policyVersion", approval.policyVersion())
			.param("spec", this.json.writeValueAsString(approval.spec()))
			.param("state", approval.state().wireName())
			.param("stage", approval.stage())
			.param("requestedAt", SqlTimes.toDb(approval.requestedAt()))
			.param("deadlineAt", SqlTimes.toDb(approval.deadlineAt()))
			.update();
		insertApprovers(approval.taskId(), 1, approval.spec().approvers());
		ApprovalSpec.Escalation escalation = approval.spec().escalateTo();
		if (escalation != null) {
			insertApprovers(approval.taskId(), 2, escalation.approvers());
		}
	}

	/**
	 * Removes a task's approval with its approvers and decisions, so that a new one may
	 * be inserted (a task held again for its budget).
	 */
	public void delete(TaskId taskId) {
		for (String table : List.of("task_approval_decisions", "task_approvers", "task_approvals")) {
			this.jdbc.sql("DELETE FROM " + table + " WHERE task_id = :taskId").param("taskId", taskId.value()).update();
		}
	}

	private void insertApprovers(TaskId taskId, int stage, ApprovalSpec.Approvers approvers) {
		for (String role : approvers.roles()) {
			insertApprover(taskId, stage, "role", role);
		}
		for (String user : approvers.users()) {
			insertApprover(taskId, stage, "user", user);
		}
	}

	private void insertApprover(TaskId taskId, int stage, String kind, String name) {
		this.jdbc.sql("INSERT INTO task_approvers (task_id, stage, kind, name) VALUES (:taskId, :stage, :kind, :name)")
			.param("taskId", taskId.value())
			.param("stage", stage)
			.param("kind", kind)
			.param("name", name)
			.update();
	}

	public Optional<TaskApproval> find(TaskId taskId) {
		return this.jdbc.sql("SELECT * FROM task_approvals WHERE task_id = :taskId")
			.param("taskId", taskId.value())
			.query(this::row)
			.optional()
			.map(this::withDecisions);
	}

	/**
	 * Reads an approval without its decisions: one lookup by key, for the paths that
	 * release tasks from their dependencies.
	 * @param taskId the task
	 * @return the approval with no decisions, if the task needs one
	 */
	public Optional<TaskApproval> findRequirement(TaskId taskId) {
		return this.jdbc.sql("SELECT * FROM task_approvals WHERE task_id = :taskId")
			.param("taskId", taskId.value())
			.query(this::row)
			.optional();
	}

	/**
	 * Reads an approval and locks its row until the transaction ends.
	 * @param taskId the task
	 * @return the approval, if the task needs one
	 */
	public Optional<TaskApproval> lock(TaskId taskId) {
		return this.jdbc.sql("SELECT * FROM task_approvals WHERE task_id = :taskId FOR UPDATE")
			.param("taskId", taskId.value())
			.query(this::row)
			.optional()
			.map(this::withDecisions);
	}

	/**
	 * Opens the request of a waiting approval.
	 * @return whether it was waiting (and is open now)
	 */
	public boolean open(TaskId taskId, Instant now, Instant deadline) {
		return this.jdbc.sql("""
				UPDATE task_approvals SET state = 'open', requested_at = :now, deadline_at = :deadline
				WHERE task_id = :taskId AND state = 'waiting'
				""")
			.param("taskId", taskId.value())
			.param("now", SqlTimes.toDb(now))
			.param("deadline", SqlTimes.toDb(deadline))
			.update() == 1;
	}

	/**
	 * Ends an open approval.
	 * @return whether it was open (and has ended now)
	 */
	public boolean close(TaskId taskId, TaskApproval.State to, Instant now) {
		return this.jdbc.sql("""
				UPDATE task_approvals SET state = :to, decided_at = :now
				WHERE task_id = :taskId AND state IN ('open', 'waiting')
				""")
			.param("taskId", taskId.value())
			.param("to", to.wireName())
			.param("now", SqlTimes.toDb(now))
			.update() == 1;
	}

	/**
	 * Moves an open approval of the first stage to the escalation group.
	 * @return whether it was open at stage 1 (and is at stage 2 now)
	 */
	public boolean escalate(TaskId taskId, Instant now, Instant deadline) {
		return this.jdbc.sql("""
				UPDATE task_approvals SET stage = 2, requested_at = :now, deadline_at = :deadline
				WHERE task_id = :taskId AND state = 'open' AND stage = 1
				""")
			.param("taskId", taskId.value())
			.param("now", SqlTimes.toDb(now))
			.param("deadline", SqlTimes.toDb(deadline))
			.update() == 1;
	}

	/**
	 * Records one person's decision.
	 * @throws org.springframework.dao.DuplicateKeyException if they decided before
	 */
	public void decide(TaskId taskId, TaskApproval.Decision decision) {
		this.jdbc.sql("""
				INSERT INTO task_approval_decisions (task_id, approver, decision, stage, comment, decided_at)
				VALUES (:taskId, :approver, :decision, :stage, :comment, :decidedAt)
				""")
			.param("taskId", taskId.value())
			.param("approver", decision.approver())
			.param("decision", decision.decision().wireName())
			.param("stage", decision.stage())
			.param("comment", decision.comment())
			.param("decidedAt", SqlTimes.toDb(decision.decidedAt()))
			.update();
	}

	/**
	 * Open approvals past their deadline, oldest first.
	 */
	public List<TaskId> due(Instant now, int limit) {
		return this.jdbc.sql("""
				SELECT task_id FROM task_approvals WHERE state = 'open' AND deadline_at <= :now
				ORDER BY deadline_at, task_id LIMIT :limit
				""")
			.param("now", SqlTimes.toDb(now))
			.param("limit", limit)
			.query((rs, n) -> new TaskId(rs.getString(1)))
			.list();
	}

	/**
	 * Tasks awaiting the approval of a person: they are an approver at the current stage,
	 * did not create the task and have not decided yet. Newest first, by task storage
	 * order.
	 * @param user the person
	 * @param role their role
	 * @param afterSeq the cursor, or {@code null} for the first page
	 * @param limit the most rows (one more is read to know if there is a next page)
	 * @return task ids with their storage order
	 */
	public List<Awaiting> awaiting(String user, String role, @Nullable Long afterSeq, int limit) {
		return this.jdbc.sql("""
				SELECT t.id, t.seq FROM task_approvals a JOIN tasks t ON t.id = a.task_id
				WHERE a.state = 'open' AND t.status = 'awaiting_approval' AND a.requested_by <> :user %s
				  AND EXISTS (SELECT 1 FROM task_approvers p WHERE p.task_id = a.task_id AND p.stage = a.stage
				              AND ((p.kind = 'role' AND p.name = :role) OR (p.kind = 'user' AND p.name = :user)))
				  AND NOT EXISTS (SELECT 1 FROM task_approval_decisions d WHERE d.task_id = a.task_id
				                  AND d.approver = :user)
				ORDER BY t.seq DESC LIMIT :limit
				""".formatted((afterSeq != null) ? "AND t.seq < " + afterSeq : ""))
			.param("user", user)
			.param("role", role)
			.param("limit", limit)
			.query((rs, n) -> new Awaiting(new TaskId(rs.getString(1)), rs.getLong(2)))
			.list();
	}

	/**
	 * How many tasks await the approval of a person, as {@link #awaiting} finds them.
	 */
	public long countAwaiting(String user, String role) {
		return this.jdbc.sql("""
				SELECT COUNT(*) FROM task_approvals a JOIN tasks t ON t.id = a.task_id
				WHERE a.state = 'open' AND t.status = 'awaiting_approval' AND a.requested_by <> :user
				  AND EXISTS (SELECT 1 FROM task_approvers p WHERE p.task_id = a.task_id AND p.stage = a.stage
				              AND ((p.kind = 'role' AND p.name = :role) OR (p.kind = 'user' AND p.name = :user)))
				  AND NOT EXISTS (SELECT 1 FROM task_approval_decisions d WHERE d.task_id = a.task_id
				                  AND d.approver = :user)
				""").param("user", user).param("role", role).query(Long.class).single();
	}

	/**
	 * How many tasks await approval, whoever may give it.
	 */
	public long countOpen() {
		return this.jdbc.sql("""
				SELECT COUNT(*) FROM task_approvals a JOIN tasks t ON t.id = a.task_id
				WHERE a.state = 'open' AND t.status = 'awaiting_approval'
				""").query(Long.class).single();
	}

	private TaskApproval withDecisions(TaskApproval approval) {
		List<TaskApproval.Decision> decisions = this.jdbc
			.sql("SELECT * FROM task_approval_decisions WHERE task_id = :taskId ORDER BY decided_at, approver")
			.param("taskId", approval.taskId().value())
			.query((rs, n) -> new TaskApproval.Decision(rs.getString("approver"),
					TaskApproval.Verdict.valueOf(rs.getString("decision").toUpperCase(java.util.Locale.ROOT)),
					rs.getInt("stage"), rs.getString("comment"), SqlTimes.requiredFromDb(rs, "decided_at")))
			.list();
		return new TaskApproval(approval.taskId(), approval.requestedBy(), approval.policyId(),
				approval.policyVersion(), approval.spec(), approval.state(), approval.stage(), approval.requestedAt(),
				approval.deadlineAt(), approval.decidedAt(), new ArrayList<>(decisions));
	}

	private TaskApproval row(ResultSet rs, int n) throws SQLException {
		return new TaskApproval(new TaskId(rs.getString("task_id")), rs.getString("requested_by"),
				rs.getString("policy_id"), rs.getLong("policy_version"),
				this.json.readValue(rs.getString("spec"), ApprovalSpec.class),
				TaskApproval.State.fromWireName(rs.getString("state")), rs.getInt("stage"),
				SqlTimes.fromDb(rs, "requested_at"), SqlTimes.fromDb(rs, "deadline_at"),
				SqlTimes.fromDb(rs, "decided_at"), List.of());
	}

	/**
	 * A task in someone's inbox.
	 *
	 * @param taskId the task
	 * @param seq its storage order, for the cursor
	 */
	public record Awaiting(TaskId taskId, long seq) {

	}

}
