package io.nexus.server.tasks;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.nexus.protocol.TaskStatus;
import io.nexus.protocol.frames.InputRequest;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.NexusException;
import io.nexus.server.tasks.persistence.InputRequestRepository;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Agents asking a person for input mid-task: the question ({@code input_request}) moves a
 * running task to {@code input_required} under the same lease, with its timeout clock
 * paused; the answer, checked against the question's schema ({@link AnswerSchema}), moves
 * it back to {@code in_progress} with the rest of its clock. An answer that could not
 * reach an agent stays pending for the agent that next holds the lease
 * ({@link #pendingAnswer}).
 */
@Service
public class TaskInputs {

	private final TaskLeases leases;

	private final TaskTransitions transitions;

	private final InputRequestRepository questions;

	private final InputProperties properties;

	private final ApplicationEventPublisher events;

	private final JsonMapper json;

	private final Clock clock;

	TaskInputs(TaskLeases leases, TaskTransitions transitions, InputRequestRepository questions,
			InputProperties properties, ApplicationEventPublisher events, JsonMapper json, Clock clock) {
		this.leases = leases;
		this.transitions = transitions;
		this.questions = questions;
		this.properties = properties;
		this.events = events;
		this.json = json;
		this.clock = clock;
	}

	/**
	 * Checks an {@code input_request} frame's fields before anything is written.
	 * @param requestId the agent's id for the question
	 * @param prompt the question
	 * @param schemaJson its schema as JSON text, or {@code null}
	 * @param timeoutSeconds the wait it asks for, or {@code null}
	 * @throws InvalidRequestException ({@code invalid_frame}) if a field is missing, too
	 * long or not valid
	 */
	public void check(@Nullable String requestId, @Nullable String prompt, @Nullable String schemaJson,
			@Nullable Integer timeoutSeconds) {
		if (requestId == null || requestId.isBlank() || requestId.length() > InputRequest.MAX_REQUEST_ID) {
			throw invalidFrame("request_id is required, at most " + InputRequest.MAX_REQUEST_ID + " characters");
		}
		if (prompt == null || prompt.isBlank() || prompt.length() > InputRequest.MAX_PROMPT) {
			throw invalidFrame("prompt is required, at most " + InputRequest.MAX_PROMPT + " characters");
		}
		if (timeoutSeconds != null && timeoutSeconds < 1) {
			throw invalidFrame("timeout_seconds must be at least 1");
		}
		if (schemaJson != null) {
			if (schemaJson.getBytes(StandardCharsets.UTF_8).length > InputRequest.MAX_SCHEMA) {
				throw invalidFrame("schema is limited to " + InputRequest.MAX_SCHEMA + " bytes as JSON");
			}
			String problem = AnswerSchema.problem(this.json.readTree(schemaJson));
			if (problem != null) {
				throw invalidFrame(problem);
			}
		}
	}

	/**
	 * The agent asks a person for input; the task must be in progress under the lease.
	 * Asking again with the same {@code request_id} under the same lease changes nothing
	 * and returns the question as it is, with its answer if it has one (so that an agent
	 * that reconnected gets the answer it missed).
	 * @param lease the lease
	 * @param requestId the agent's id for the question
	 * @param prompt the question
	 * @param schemaJson its schema, as JSON text, checked with {@link #check}
	 * @param timeoutSeconds the wait it asks for, or {@code null} for the default
	 * @return the question as stored
	 * @throws StaleLeaseException if the lease is not current
	 */
	@Transactional(noRollbackFor = NexusException.class)
	public InputQuestion ask(Lease lease, String requestId, String prompt, @Nullable String schemaJson,
			@Nullable Integer timeoutSeconds) {
		Task task = this.leases.current(lease);
		Optional<InputQuestion> asked = this.questions.find(task.id(), requestId);
		if (asked.isPresent()) {
			if (asked.get().leaseEpoch() != lease.epoch()) {
				throw new ConflictException("request_id_used",
						"request_id '" + requestId + "' was used under an earlier lease of this task; choose a new one",
						Map.of("task_id", task.id().value()));
			}
			return asked.get();
		}
		if (task.status() != TaskStatus.IN_PROGRESS) {
			throw new ConflictException("invalid_state",
					"Task '" + task.id() + "' is " + task.status().wireName()
							+ (task.status() == TaskStatus.INPUT_REQUIRED ? " with another question open"
									: "; accept it before asking for input"),
					Map.of("task_id", task.id().value(), "current_status", task.status().wireName()));
		}
		Instant now = this.clock.instant();
		long remaining = (task.deadlineAt() != null) ? Math.max(0, Duration.between(now, task.deadlineAt()).toMillis())
				: task.timeoutSeconds() * 1000L;
		InputQuestion question = new InputQuestion(task.id(), requestId, lease.epoch(), lease.agentId(), prompt,
				schemaJson, InputQuestion.OPEN, now, now.plus(this.properties.timeoutFor(timeoutSeconds)), remaining,
				null, null, null, null);
		this.questions.insert(question);
		this.transitions.toInputRequired(task, "agent:" + lease.agentId(), "input requested");
		this.events.publishEvent(new InputRequested(question));
		return question;
	}

	/**
	 * A person answers the open question of a task: the answer must fit the question's
	 * schema; the task runs again under the same lease, with the rest of its timeout
	 * clock.
	 * @param taskId the task
	 * @param requestId the question it answers, or {@code null} for the open one
	 * @param answer the answer
	 * @param actor who answers
	 * @return the question with its answer, and the lease it is for
	 * @throws ConflictException ({@code task_not_waiting_for_input}) if the task is not
	 * {@code input_required}, or ({@code request_id_mismatch}) if another question is
	 * open
	 * @throws InvalidRequestException ({@code answer_does_not_fit_schema}, 422) with the
	 * failing {@code path}
	 */
	@Transactional
	public InputAnswered answer(TaskId taskId, @Nullable String requestId, JsonNode answer, String actor) {
		Task task = this.leases.lockTask(taskId);
		InputQuestion question = (task.status() == TaskStatus.INPUT_REQUIRED)
				? this.questions.latest(taskId).filter(InputQuestion::isOpen).orElse(null) : null;
		if (question == null || task.assignedAgent() == null) {
			throw new ConflictException("task_not_waiting_for_input",
					"Task '" + taskId + "' is " + task.status().wireName() + ", not waiting for input",
					Map.of("task_id", taskId.value(), "current_status", task.status().wireName()));
		}
		if (requestId != null && !requestId.equals(question.requestId())) {
			throw new ConflictException("request_id_mismatch",
					"The open question of task '" + taskId + "' is '" + question.requestId() + "'",
					Map.of("task_id", taskId.value(), "current_status", task.status().wireName(), "request_id",
							question.requestId()));
		}
		if (question.schemaJson() != null) {
			AnswerSchema.Violation violation = AnswerSchema.violation(this.json.readTree(question.schemaJson()),
					answer);
			if (violation != null) {
				throw InvalidRequestException.unprocessable(
						"answer_does_not_fit_schema", "The answer does not fit the question's schema at "
								+ violation.path() + ": " + violation.message(),
						Map.of("path", violation.path(), "reason", violation.message()));
			}
		}
		Instant now = this.clock.instant();
		String answerJson = this.json.writeValueAsString(answer);
		this.questions.answer(taskId, question.requestId(), answerJson, actor, now);
		this.transitions.toAnswered(task, actor, now.plusMillis(question.remainingMillis()));
		InputQuestion answered = new InputQuestion(taskId, question.requestId(), question.leaseEpoch(),
				question.agentId(), question.prompt(), question.schemaJson(), InputQuestion.ANSWERED,
				question.requestedAt(), question.expiresAt(), question.remainingMillis(), answerJson, actor, now, null);
		InputAnswered event = new InputAnswered(answered, task.assignedAgent(), task.leaseEpoch());
		this.events.publishEvent(event);
		return event;
	}

	/**
	 * The question of a task that an agent should see: the open one, or else the last
	 * one.
	 * @param taskId the task
	 * @return the question, if the task ever asked one
	 */
	@Transactional(readOnly = true)
	public Optional<InputQuestion> latest(TaskId taskId) {
		return this.questions.latest(taskId);
	}

	/**
	 * Open questions, the oldest first.
	 * @param limit how many at most
	 * @return the questions
	 */
	@Transactional(readOnly = true)
	public List<InputQuestion> waiting(int limit) {
		return this.questions.open(limit);
	}

	/**
	 * How many questions wait for a person.
	 * @return the count
	 */
	@Transactional(readOnly = true)
	public long countWaiting() {
		return this.questions.countOpen();
	}

	/**
	 * The answer that no agent has received yet, if the task's last question has one.
	 * @param taskId the task
	 * @return the answered question
	 */
	@Transactional(readOnly = true)
	public Optional<InputQuestion> pendingAnswer(TaskId taskId) {
		return this.questions.latest(taskId)
			.filter((question) -> InputQuestion.ANSWERED.equals(question.state()) && question.deliveredAt() == null);
	}

	/**
	 * The answer to give the agent that holds a task under a new lease after a
	 * re-dispatch: the latest answered question, whether or not it was sent before, if it
	 * was asked under an older lease. Whatever the previous holder received went away
	 * with it, and a send to an agent whose connection was closing may have reached
	 * nobody although it was noted as delivered.
	 * @param taskId the task
	 * @param leaseEpoch the new lease
	 * @return the question with its answer, if there is one
	 */
	public Optional<InputQuestion> answerForNewLease(TaskId taskId, long leaseEpoch) {
		return this.questions.latest(taskId)
			.filter((question) -> InputQuestion.ANSWERED.equals(question.state())
					&& (question.deliveredAt() == null || question.leaseEpoch() < leaseEpoch));
	}

	/**
	 * Notes that an answer was sent to an agent, in a transaction of its own (it is
	 * called after the commit of the answer).
	 * @param question the question
	 */
	@Transactional(propagation = Propagation.REQUIRES_NEW)
	public void delivered(InputQuestion question) {
		this.questions.delivered(question.taskId(), question.requestId(), this.clock.instant());
	}

	/**
	 * Parses a stored answer for its frame.
	 * @param question an answered question
	 * @return the answer as a JSON value
	 */
	public @Nullable Object answerValue(InputQuestion question) {
		return (question.answerJson() != null) ? this.json.readValue(question.answerJson(), Object.class) : null;
	}

	/**
	 * Ends the wait of a question whose input timeout passed, through the task's failure
	 * policy: retried while attempts remain, failed otherwise, with reason
	 * {@code input_timeout}. Safe on several nodes at once: the task row is locked and
	 * the question read again under the lock.
	 * @param expired the question, as found past its timeout
	 * @return whether this call ended the wait
	 */
	@Transactional
	public boolean expire(InputQuestion expired) {
		Task task = this.leases.lockTask(expired.taskId());
		InputQuestion question = this.questions.find(expired.taskId(), expired.requestId()).orElse(null);
		if (question == null || !question.isOpen()) {
			return false;
		}
		if (task.status() != TaskStatus.INPUT_REQUIRED || task.leaseEpoch() != question.leaseEpoch()) {
			this.questions.closeOpen(task.id());
			return false;
		}
		this.questions.setState(task.id(), question.requestId(), InputQuestion.EXPIRED);
		long waited = Duration.between(question.requestedAt(), question.expiresAt()).toSeconds();
		this.leases.retryOrFail(task, TaskTransitions.SYSTEM, "input_timeout: no answer within " + waited + "s");
		this.events.publishEvent(new InputExpired(question));
		return true;
	}

	/**
	 * Open questions whose input timeout passed.
	 * @param limit how many at most
	 * @return the questions
	 */
	@Transactional(readOnly = true)
	public List<InputQuestion> expired(int limit) {
		return this.questions.expired(this.clock.instant(), limit);
	}

	/**
	 * Closes the open question of a task that left {@code input_required} without an
	 * answer (cancelled, closed by hand, taken back); runs in the transaction of the
	 * change.
	 * @param event the change
	 */
	@EventListener
	void onTaskStatusChanged(TaskStatusChanged event) {
		if (event.from() == TaskStatus.INPUT_REQUIRED && event.to() != TaskStatus.IN_PROGRESS) {
			this.questions.closeOpen(event.taskId());
		}
	}

	/**
	 * Parses an answer given as JSON text.
	 * @param text the text
	 * @return the value
	 * @throws InvalidRequestException if it is not JSON
	 */
	public JsonNode parse(String text) {
		try {
			return this.json.readTree(text);
		}
		catch (JacksonException ex) {
			throw InvalidRequestException.unprocessable("invalid_answer", "The answer is not valid JSON",
					Map.of("path", "$"));
		}
	}

	private static InvalidRequestException invalidFrame(String message) {
		return InvalidRequestException.badRequest("invalid_frame", message);
	}

}
