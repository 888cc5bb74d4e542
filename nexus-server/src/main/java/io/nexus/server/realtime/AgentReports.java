package io.nexus.server.realtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import io.nexus.protocol.frames.InputRequest;

import io.nexus.protocol.frames.UsageReport;
import io.nexus.server.dispatch.AgentConnections;
import io.nexus.server.dispatch.AgentSignal;
import io.nexus.server.dispatch.AgentSignals;
import io.nexus.server.dispatch.ConnectedAgent;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.GroupCommitter;
import io.nexus.server.tasks.InputQuestion;
import io.nexus.server.tasks.Lease;
import io.nexus.server.tasks.StaleLeaseException;
import io.nexus.server.tasks.TaskInputs;
import io.nexus.server.tasks.TaskLeases;
import io.nexus.server.tracing.TaskTraces;
import io.nexus.server.usage.Charge;
import io.nexus.server.usage.UsageLedger;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * What agents report on the tasks they hold (accept, progress, complete, fail): each is
 * written with the next group commit of the report writer
 * ({@link ReportWriterConfiguration}), and answered once durable.
 */
@Component
class AgentReports {

	private final AgentConnections connections;

	private final TaskLeases leases;

	private final GroupCommitter writer;

	private final TaskTraces traces;

	private final AgentSignals signals;

	private final TaskInputs inputs;

	private final UsageLedger ledger;

	AgentReports(AgentConnections connections, TaskLeases leases, GroupCommitter reportWriter, TaskTraces traces,
			AgentSignals signals, TaskInputs inputs, UsageLedger ledger) {
		this.inputs = inputs;
		this.ledger = ledger;
		this.connections = connections;
		this.leases = leases;
		this.writer = reportWriter;
		this.traces = traces;
		this.signals = signals;
	}

	/**
	 * The agent accepts a task; written with the next group commit.
	 * @param lease the lease
	 * @return completes once durable, or exceptionally if refused
	 */
	CompletableFuture<Void> accept(Lease lease) {
		this.connections.get(lease.agentId()).ifPresent((agent) -> agent.accepted(lease.taskId()));
		return watched(lease, this.writer.submit(lease.taskId(), () -> this.leases.accept(lease)))
			.thenRun(() -> this.signals.emit(lease.agentId(), AgentSignal.ACCEPTED, lease.taskId()));
	}

	/**
	 * The agent reports progress, and perhaps usage; written with the next group commit.
	 * @param lease the lease
	 * @param progress percent done
	 * @param message a note
	 * @param usage what it spent since its last report, within bounds, if it says
	 * @return completes once durable, or exceptionally if refused
	 */
	CompletableFuture<Void> progress(Lease lease, @Nullable Double progress, @Nullable String message,
			@Nullable UsageReport usage) {
		Charges charges = new Charges();
		return charges.settled(watched(lease, this.writer.submit(lease.taskId(), () -> {
			if (charges.charge(lease, usage, false)) {
				this.leases.progress(lease, Percentages.clamp(progress), message);
			}
		})));
	}

	/**
	 * The agent completes a task; written with the next group commit.
	 * @param lease the lease
	 * @param resultJson the result, as JSON text
	 * @param traceparent the trace context of the agent's work, if it sent one
	 * @return completes once durable, or exceptionally if refused
	 */
	CompletableFuture<Void> complete(Lease lease, @Nullable String resultJson, @Nullable String traceparent,
			@Nullable UsageReport usage) {
		Charges charges = new Charges();
		return charges.settled(watched(lease, this.writer.submit(lease.taskId(), () -> {
			if (charges.charge(lease, usage, true)) {
				this.leases.complete(lease, resultJson);
			}
		}))).thenRun(() -> finished(lease, traceparent, null));
	}

	CompletableFuture<Void> fail(Lease lease, String error, boolean retryable, @Nullable UsageReport usage) {
		Charges charges = new Charges();
		return charges.settled(watched(lease, this.writer.submit(lease.taskId(), () -> {
			if (charges.charge(lease, usage, true)) {
				this.leases.fail(lease, error, retryable);
			}
		}))).thenRun(() -> finished(lease, null, error));
	}

	/**
	 * The usage of one report, counted in its group commit before the rest of it: a
	 * report whose usage a spent budget refuses stores nothing else, and is answered with
	 * {@code budget_exceeded} once the commit (which stopped the task) is durable.
	 */
	private final class Charges {

		private volatile @Nullable Charge charge;

		/** Counts the usage, if any; whether the rest of the report may be stored. */
		boolean charge(Lease lease, @Nullable UsageReport usage, boolean finishing) {
			if (usage == null) {
				return true;
			}
			Charge outcome = AgentReports.this.ledger.charge(lease, usage, finishing);
			this.charge = outcome;
			return outcome.reportGoesOn();
		}

		CompletableFuture<Void> settled(CompletableFuture<Void> written) {
			return written.thenCompose((ignored) -> {
				Charge outcome = this.charge;
				if (outcome != null && outcome.outcome() == Charge.Outcome.REFUSED) {
					return CompletableFuture
						.failedFuture(new ConflictException("budget_exceeded", String.valueOf(outcome.reason())));
				}
				return CompletableFuture.completedFuture(null);
			});
		}

	}

	/**
	 * The agent asks a person for input; checked at once (a bad question changes
	 * nothing), written with the next group commit.
	 * @param lease the lease
	 * @param request the frame
	 * @param schemaJson its schema as JSON text, or {@code null}
	 * @return the question as stored, once durable, or exceptionally if refused
	 */
	CompletableFuture<InputQuestion> ask(Lease lease, InputRequest request, @Nullable String schemaJson) {
		this.inputs.check(request.requestId(), request.prompt(), schemaJson, request.timeoutSeconds());
		AtomicReference<InputQuestion> asked = new AtomicReference<>();
		return watched(lease, this.writer.submit(lease.taskId(), () -> asked
			.set(this.inputs.ask(lease, request.requestId(), request.prompt(), schemaJson, request.timeoutSeconds()))))
			.thenApply((ignored) -> asked.get());
	}

	/**
	 * A report refused because its lease was taken away is a signal about the agent.
	 */
	private CompletableFuture<Void> watched(Lease lease, CompletableFuture<Void> written) {
		return written.whenComplete((ignored, failure) -> {
			Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
			if (cause instanceof StaleLeaseException) {
				this.signals.emit(lease.agentId(), AgentSignal.STALE_REPORT, lease.taskId());
			}
		});
	}

	private void finished(Lease lease, @Nullable String traceparent, @Nullable String error) {
		ConnectedAgent agent = this.connections.get(lease.agentId()).orElse(null);
		if (agent != null) {
			agent.recordOutcome(error == null);
		}
		this.signals.emit(lease.agentId(), (error == null) ? AgentSignal.SUCCEEDED : AgentSignal.FAILED,
				lease.taskId());
		if (this.traces.enabled()) {
			ConnectedAgent.Assignment assignment = (agent != null) ? agent.untraced(lease.taskId()) : null;
			this.traces.finished(lease.taskId().value(), lease.agentId().value(),
					(assignment != null) ? assignment.traceparent() : null,
					(assignment != null) ? assignment.sentAt() : null, traceparent, error);
		}
	}

}
