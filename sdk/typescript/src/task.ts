/** What a task handler sees: one assignment of a task to this agent. */

import { randomBytes, randomUUID } from "node:crypto";

import type { InputRequest, Json, TaskAssigned, TaskLease, Usage } from "./frames.js";
import { addUsage, cleanUsage, costsClash, usageProblem } from "./usage-report.js";

/**
 * Throw from a handler to fail the task at once (`retryable: false`), whatever attempts
 * remain; any other error fails it with a retry while attempts remain.
 */
export class NonRetryableTaskError extends Error {
  override name = "NonRetryableTaskError";
}

/** Thrown by {@link TaskContext.throwIfCancelled} once Nexus cancelled the task. */
export class TaskCancelledError extends Error {
  override name = "TaskCancelledError";
}

/** Nexus refused a question of {@link TaskContext.askHuman} (for example an unsupported schema keyword). */
export class QuestionRefusedError extends Error {
  override name = "QuestionRefusedError";
}

/** How long to wait for a person's answer; see {@link TaskContext.askHuman}. */
export interface AskOptions {
  /**
   * Whole seconds, at least 1 (cut by Nexus to `nexus.tasks.input-timeout-max`); Nexus's
   * default (`nexus.tasks.input-timeout-default`, 24 h) when absent.
   */
  timeoutSeconds?: number;
}

/** @internal where a task's reports and questions go: the runner */
export interface TaskReports {
  progress(task: TaskContext, percent: number | undefined, message: string | undefined): void;
  ask(task: TaskContext, question: InputRequest): void;
}

interface Question {
  readonly frame: InputRequest;
  readonly resolve: (answer: Json) => void;
  readonly reject: (error: Error) => void;
}

const NO_ANSWER = Symbol("no answer");

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * One assignment of a task to this agent, from `task_assigned` until Nexus acknowledges its
 * result, or the lease is cancelled or taken away.
 */
export class TaskContext {
  /** Aborted when Nexus cancels the task or the agent stops: pass it to `fetch` and the like. */
  readonly signal: AbortSignal;
  /** The trace context of this agent's work: a child of {@link traceparent}, sent back with the result. */
  readonly childTraceparent: string | null;
  private readonly controller = new AbortController();
  private done = false;
  private lastPercent: number | undefined;
  private lastMessage: string | undefined;
  private pendingUsage: Usage | undefined;
  private readonly questions = new Map<string, Question>();
  /** Questions answered already: a repeated answer is ignored. */
  private readonly answered = new Set<string>();
  /** An answer that came before any question (after a re-dispatch), for the first one. */
  private early: Json | typeof NO_ANSWER = NO_ANSWER;

  /** @internal created by the agent */
  constructor(
    private readonly assignment: TaskAssigned,
    private readonly reports: TaskReports,
  ) {
    this.signal = this.controller.signal;
    this.childTraceparent = childTraceparent(assignment.traceparent);
  }

  /** The task's id. */
  get taskId(): string {
    return this.assignment.task_id;
  }

  /** The fencing number of this assignment; the SDK echoes it in every frame. */
  get leaseEpoch(): number {
    return this.assignment.lease_epoch;
  }

  /** Which attempt this is, from 1. */
  get attempt(): number {
    return this.assignment.attempt;
  }

  /** The task's title. */
  get title(): string {
    return this.assignment.title ?? "";
  }

  /** The task's description, if any. */
  get description(): string | null {
    return this.assignment.description;
  }

  /** The task's input as decoded JSON (`null` when the task has none). */
  get payload(): Json {
    return this.assignment.payload;
  }

  /** How long this attempt may run before Nexus cancels it (0 if Nexus gave none). */
  get timeoutSeconds(): number {
    return Math.max(0, this.assignment.timeout_seconds ?? 0);
  }

  /** The W3C trace context of the assignment, as Nexus sent it, when Nexus traces. */
  get traceparent(): string | null {
    return this.assignment.traceparent;
  }

  /** Whether Nexus cancelled the task (or the agent stopped); its result will not be sent. */
  get cancelled(): boolean {
    return this.signal.aborted;
  }

  /** The task and its lease epoch. */
  get lease(): TaskLease {
    return { task_id: this.taskId, lease_epoch: this.leaseEpoch };
  }

  /**
   * Reports how far the task has got. Sent at once when connected, dropped otherwise (a later
   * report replaces it anyway); ignored once the task is cancelled or finished.
   * @param percent percent done, clamped to 0..100
   * @param message a short note (Nexus keeps 500 characters)
   */
  progress(percent: number, message?: string): void {
    if (this.cancelled || this.done) {
      return;
    }
    const clamped = Number.isNaN(percent) ? 0 : Math.max(0, Math.min(100, percent));
    this.lastPercent = clamped;
    this.lastMessage = message;
    this.reports.progress(this, clamped, message);
  }

  /**
   * Reports what the handler spent since its previous report (tokens, money): a delta that
   * Nexus adds to the task's usage (`usage` on `GET /api/tasks/{id}`). It goes out at once on a
   * `task_progress` (with the last progress and message) when connected; otherwise it is kept,
   * summed with later reports, and sent after the next registration, or with the result
   * (`task_complete` or `task_fail`, sent until Nexus acknowledges it). A report on a progress
   * frame lost with the connection at that very moment is not sent again. If the task has a
   * budget, Nexus may cancel the task after such a report ({@link signal}). Ignored once the
   * task is cancelled or finished.
   *
   * ```ts
   * task.reportUsage({ input_tokens: 1200, output_tokens: 350, cost: 0.0042, model: "gpt-4o-mini" });
   * ```
   * @throws RangeError if a value is out of bounds (docs/protocol.md#usage)
   */
  reportUsage(usage: Usage): void {
    const problem = usageProblem(usage);
    if (problem !== undefined) {
      throw new RangeError(problem);
    }
    if (this.cancelled || this.done) {
      return;
    }
    let report = cleanUsage(usage);
    if (this.pendingUsage !== undefined && costsClash(this.pendingUsage, report)) {
      // two currencies cannot share a report: the kept one goes first if it can
      this.reports.progress(this, this.lastPercent, this.lastMessage);
      if (this.pendingUsage !== undefined && costsClash(this.pendingUsage, report)) {
        // still not connected: the tokens count, the cost in the second currency is lost
        const { cost: _cost, currency: _currency, ...tokens } = report;
        report = tokens;
      }
    }
    this.pendingUsage = this.pendingUsage === undefined ? report : addUsage(this.pendingUsage, report);
    this.reports.progress(this, this.lastPercent, this.lastMessage);
  }

  /**
   * Asks a person for input and waits for the answer (`input_request`): the task waits in
   * `input_required`, its timeout clock paused, until someone answers with
   * `POST /api/tasks/{id}/input` or on the dashboard; Nexus checks the answer against
   * `schema`. A reconnection on the way is harmless: the SDK asks again under the same lease
   * and gets the answer it missed. After a re-dispatch, an answer the previous attempt never
   * received is returned by this attempt's first call at once.
   *
   * If nobody answers in time, Nexus ends the wait by the task's failure policy
   * (`input_timeout`): the task is cancelled here and the promise rejects.
   *
   * ```ts
   * const answer = await task.askHuman("Deploy build 512?", {
   *   type: "object", required: ["approved"], properties: { approved: { type: "boolean" } },
   * });
   * ```
   * @param prompt the question, 1-4,000 characters
   * @param schema a JSON Schema of the answer (an object, or JSON text) in the subset of
   * docs/api.md, or `undefined`/`null` for any answer
   * @returns the answer, as decoded JSON
   * @throws QuestionRefusedError if Nexus refused the question
   * @throws TaskCancelledError if the task is cancelled while waiting (also by the input timeout)
   */
  async askHuman(prompt: string, schema?: Json | string | null, options: AskOptions = {}): Promise<Json> {
    this.throwIfCancelled();
    if (this.early !== NO_ANSWER) {
      const answer = this.early;
      this.early = NO_ANSWER;
      return answer;
    }
    if (typeof prompt !== "string" || prompt.length === 0) {
      throw new TypeError("prompt must be a non-empty string");
    }
    const frame: InputRequest = {
      type: "input_request",
      task_id: this.taskId,
      lease_epoch: this.leaseEpoch,
      request_id: randomUUID(),
      prompt,
    };
    if (schema != null) {
      frame.schema = typeof schema === "string" ? (JSON.parse(schema) as Json) : schema;
    }
    if (options.timeoutSeconds !== undefined) {
      if (!(options.timeoutSeconds > 0)) {
        throw new RangeError(`timeoutSeconds must be positive, got ${options.timeoutSeconds}`);
      }
      frame.timeout_seconds = Math.max(1, Math.round(options.timeoutSeconds));
    }
    const answer = new Promise<Json>((resolve, reject) => {
      const onAbort = (): void => {
        this.questions.delete(frame.request_id);
        reject(this.signal.reason instanceof Error ? this.signal.reason : new TaskCancelledError("cancelled"));
      };
      this.signal.addEventListener("abort", onAbort, { once: true });
      const settle = <T>(then: (value: T) => void) => (value: T): void => {
        this.signal.removeEventListener("abort", onAbort);
        this.questions.delete(frame.request_id);
        then(value);
      };
      this.questions.set(frame.request_id, { frame, resolve: settle(resolve), reject: settle(reject) });
    });
    this.reports.ask(this, frame);
    return answer;
  }

  /** Stops the handler if the task was cancelled: throws {@link TaskCancelledError}. */
  throwIfCancelled(): void {
    if (this.cancelled) {
      throw new TaskCancelledError(`Task ${this.taskId} was cancelled`);
    }
  }

  /** @internal the usage reported and not yet sent, which the caller now sends */
  takeUsage(): Usage | undefined {
    const kept = this.pendingUsage;
    this.pendingUsage = undefined;
    return kept;
  }

  /** @internal the last progress and message, for a frame that carries only usage */
  get lastProgress(): { percent: number | undefined; message: string | undefined } {
    return { percent: this.lastPercent, message: this.lastMessage };
  }

  /**
   * @internal an answer arrived: it completes the waiting question, or is kept for the
   * attempt's first question if none waits; a repeated answer is ignored
   */
  answer(requestId: string, answer: Json): void {
    if (this.answered.has(requestId)) {
      return;
    }
    this.answered.add(requestId);
    const waiting = this.questions.get(requestId);
    if (waiting !== undefined) {
      waiting.resolve(answer);
    } else if (this.questions.size === 0) {
      this.early = answer;
    }
  }

  /** @internal Nexus refused a question */
  refuse(requestId: string, why: string): void {
    this.questions.get(requestId)?.reject(new QuestionRefusedError(`Nexus refused the question: ${why}`));
  }

  /** @internal the questions still unanswered, to ask again after a reconnection */
  waitingQuestions(): InputRequest[] {
    return [...this.questions.values()].map((question) => question.frame);
  }

  /** @internal */
  get finished(): boolean {
    return this.done;
  }

  /** @internal */
  markFinished(): void {
    this.done = true;
  }

  /** @internal aborts {@link signal} with the reason */
  cancel(reason: string): void {
    if (!this.controller.signal.aborted) {
      this.controller.abort(new TaskCancelledError(reason));
    }
  }

  toString(): string {
    return `task ${this.taskId} (lease ${this.leaseEpoch})`;
  }
}

/** A child of a version-00 W3C `traceparent`: same trace id and flags, a new span id. */
export function childTraceparent(parent: string | null | undefined): string | null {
  const match = parent == null ? null : TRACEPARENT.exec(parent);
  if (match === null) {
    return null;
  }
  let spanId = "0".repeat(16);
  while (spanId === "0".repeat(16)) {
    spanId = randomBytes(8).toString("hex");
  }
  return `00-${match[1]}-${spanId}-${match[3]}`;
}
