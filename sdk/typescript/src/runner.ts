/** The leases this agent holds and the handlers that work on them. */

import type { Backoff } from "./backoff.js";
import type {
  Ack,
  ErrorFrame,
  InputRequest,
  InputResponse,
  Json,
  TaskAccept,
  TaskAssigned,
  TaskCancel,
  TaskComplete,
  TaskFail,
  TaskLease,
  TaskProgress,
} from "./frames.js";
import type { Logger } from "./log.js";
import type { FrameSender } from "./sender.js";
import { Slots } from "./slots.js";
import { NonRetryableTaskError, TaskContext, type TaskReports } from "./task.js";

/** `async (task) => result`: the result is any value `JSON.stringify` can write. */
export type TaskHandler = (task: TaskContext) => unknown;

/** Keeps error texts within reason; Nexus stores 500 characters. */
export const MAX_ERROR_LENGTH = 4000;

const FINAL_REFUSALS = new Set(["stale_lease", "unknown_task"]);

type Report = TaskAccept | TaskComplete | TaskFail;
type Sent = Report | InputRequest | TaskProgress;

/**
 * A frame that awaits an `ack` or `error`: an accept, a question, a progress report that
 * carries usage, or a result to send again after a reconnection until it is acknowledged.
 */
interface Outstanding {
  readonly taskId: string;
  readonly leaseEpoch: number;
  readonly frame: Sent;
  readonly retries: number;
}

function isResult(sent: Outstanding): boolean {
  return sent.frame.type === "task_complete" || sent.frame.type === "task_fail";
}

/**
 * Runs one handler per assigned task, at most `maxConcurrency` at once, and keeps each
 * outcome until Nexus acknowledges it. Everything runs on Node's event loop, so the state
 * needs no locks.
 */
export class TaskRunner {
  private readonly tasks = new Map<string, TaskContext>();
  private outstanding = new Map<string, Outstanding>();
  private readonly slots: Slots;
  private readonly timers = new Set<NodeJS.Timeout>();
  private drainWaiters: Array<() => void> | undefined;
  private readonly reports: TaskReports = {
    progress: (task, percent, message) => this.progress(task, percent, message),
    ask: (task, question) => this.ask(task, question),
  };

  constructor(
    private readonly handler: TaskHandler,
    private readonly sender: FrameSender,
    maxConcurrency: number,
    private readonly retryBackoff: Backoff,
    private readonly log: Logger,
  ) {
    this.slots = new Slots(maxConcurrency);
  }

  // Frames from Nexus -----------------------------------------------------------------------

  /** Accepts and starts a new lease; a repeated assignment is accepted again, once. */
  onAssigned(assignment: TaskAssigned): void {
    if (this.draining) {
      this.log.info(`Refusing task ${assignment.task_id}: the agent is draining`);
      this.sender.send(this.fail(assignment.task_id, assignment.lease_epoch, "agent draining", true));
      return;
    }
    const held = this.tasks.get(assignment.task_id);
    if (held !== undefined && held.leaseEpoch >= assignment.lease_epoch) {
      this.log.debug(`Ignoring a repeated assignment of ${held}`);
      if (held.leaseEpoch === assignment.lease_epoch && !held.finished) {
        this.accept(held);
      }
      return;
    }
    if (held !== undefined) {
      this.drop(held, `superseded by lease ${assignment.lease_epoch}`);
    }
    const task = new TaskContext(assignment, this.reports);
    this.tasks.set(task.taskId, task);
    this.accept(task);
    void this.execute(task);
  }

  /** Cancels the handler of the lease that ends; nothing more is sent for it. */
  onCancel(cancel: TaskCancel): void {
    const task = this.tasks.get(cancel.task_id);
    if (task !== undefined && cancel.lease_epoch >= task.leaseEpoch) {
      this.drop(task, `cancelled by Nexus: ${cancel.reason ?? "no reason given"}`);
    }
  }

  /**
   * A person's answer: completes the handler's `askHuman`, or is kept for the attempt's first
   * question if none waits (after a re-dispatch, the answer follows `task_assigned`).
   */
  onInputResponse(response: InputResponse): void {
    const task = this.tasks.get(response.task_id);
    if (task === undefined || task.leaseEpoch !== response.lease_epoch || task.finished) {
      this.log.debug(`Ignoring an answer for task ${response.task_id} under lease ${response.lease_epoch}`);
      return;
    }
    task.answer(response.request_id, response.answer);
  }

  /** Forgets a task once its result is acknowledged. */
  onAck(ack: Ack): void {
    const answered = ack.id === null ? undefined : this.outstanding.get(ack.id);
    if (answered === undefined || ack.id === null) {
      return;
    }
    this.outstanding.delete(ack.id);
    if (isResult(answered)) {
      const task = this.tasks.get(answered.taskId);
      if (task !== undefined && task.leaseEpoch === answered.leaseEpoch) {
        this.tasks.delete(answered.taskId);
        this.forgetFrames(answered.taskId);
        this.log.debug(`Nexus acknowledged the result of ${task}`);
      }
      this.checkDrained();
    }
  }

  /**
   * Handles an `error` that answers a task frame. A retryable refusal (code `unavailable`)
   * keeps the frame and sends it again after a backoff; any other refusal (`stale_lease`,
   * `unknown_task`...) drops the task and its result.
   * @returns whether the error answered a frame of this runner
   */
  onError(error: ErrorFrame): boolean {
    const refused = error.id === null ? undefined : this.outstanding.get(error.id);
    if (refused === undefined || error.id === null) {
      return false;
    }
    this.outstanding.delete(error.id);
    if (error.retryable === true) {
      this.retryLater(error.id, refused, error);
      return true;
    }
    const task = this.tasks.get(refused.taskId);
    const final = FINAL_REFUSALS.has(error.code);
    if (!final && task !== undefined && refused.frame.type === "input_request") {
      // a question Nexus would not take: the handler hears why, the task goes on
      task.refuse(refused.frame.request_id, `${error.code}: ${error.message ?? ""}`);
      return true;
    }
    if (!final && refused.frame.type === "task_progress") {
      // a progress report is not the task's outcome: the task goes on (a spent budget
      // cancels it with task_cancel)
      this.log.warn(`Nexus refused a progress report of ${task ?? refused.taskId}: ${error.code} ${error.message ?? ""}`);
      return true;
    }
    if (task !== undefined && task.leaseEpoch === refused.leaseEpoch) {
      const what = isResult(refused) ? "result" : "frame";
      const text = `Nexus refused the ${what} of ${task}, dropping it: ${error.code} ${error.message ?? ""}`;
      if (final) {
        this.log.info(text);
      } else {
        this.log.warn(text);
      }
      this.drop(task, error.code);
    }
    return true;
  }

  /**
   * After (re)registration: stops work on leases Nexus did not keep and sends again the
   * results it has not acknowledged (a repeat under the current lease is harmless).
   */
  onRegistered(resumed: TaskLease[] | null): void {
    if (resumed !== null) {
      const kept = new Set(resumed.map((lease) => `${lease.task_id}@${lease.lease_epoch}`));
      for (const task of [...this.tasks.values()]) {
        if (!task.finished && !kept.has(`${task.taskId}@${task.leaseEpoch}`)) {
          this.drop(task, "Nexus did not resume its lease");
        }
      }
    }
    for (const sent of this.outstanding.values()) {
      if (isResult(sent)) {
        this.sender.send(sent.frame);
      }
    }
    for (const task of this.tasks.values()) {
      if (!task.finished) {
        // questions still unanswered are asked again under the same lease: Nexus answers
        // with the answer it kept, if one came meanwhile
        for (const question of task.waitingQuestions()) {
          this.sendQuestion(task, question);
        }
        // usage kept while away goes now
        const { percent, message } = task.lastProgress;
        this.progress(task, percent, message, true);
      }
    }
    this.checkDrained();
  }

  // State for the connector -----------------------------------------------------------------

  /** The leases for `agent_register`: running tasks and unacknowledged results. */
  leases(): TaskLease[] {
    return [...this.tasks.values()].map((task) => task.lease);
  }

  /** The tasks this agent holds. */
  heldTaskIds(): string[] {
    return [...this.tasks.keys()];
  }

  get draining(): boolean {
    return this.drainWaiters !== undefined;
  }

  /**
   * Stops taking tasks (`status_update` `draining` first, so that Nexus stops assigning) and
   * waits until every held task's result is acknowledged.
   * @returns whether all were acknowledged within the timeout
   */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.drainWaiters === undefined) {
      this.drainWaiters = [];
      this.sender.send({ type: "status_update", id: this.sender.nextId(), status: "draining" });
    }
    if (this.tasks.size === 0) {
      return true;
    }
    const waiters = this.drainWaiters;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      new Promise<boolean>((resolve) => waiters.push(() => resolve(true))),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!drained) {
      this.log.warn(`Gave up waiting for ${this.tasks.size} task(s) to finish after ${timeoutMs} ms`);
    }
    return drained;
  }

  /** Cancels every handler and forgets every lease. */
  cancelAll(reason: string): void {
    for (const task of [...this.tasks.values()]) {
      this.drop(task, reason);
    }
    this.clearTimers();
  }

  /** Cancels every handler and sends nothing more, as a crash would (for tests). */
  cancelAllSilently(): void {
    for (const task of this.tasks.values()) {
      task.cancel("agent killed");
    }
    this.tasks.clear();
    this.outstanding.clear();
    this.clearTimers();
  }

  // Internals -------------------------------------------------------------------------------

  private accept(task: TaskContext): void {
    const frame: TaskAccept = {
      type: "task_accept",
      id: this.sender.nextId(),
      task_id: task.taskId,
      lease_epoch: task.leaseEpoch,
    };
    this.outstanding.set(frame.id as string, { taskId: task.taskId, leaseEpoch: task.leaseEpoch, frame, retries: 0 });
    this.sender.send(frame);
  }

  private async execute(task: TaskContext): Promise<void> {
    await this.slots.take();
    let outcome: TaskComplete | TaskFail | undefined;
    try {
      if (task.cancelled) {
        return;
      }
      outcome = await this.invoke(task);
    } finally {
      this.slots.give();
    }
    if (outcome !== undefined) {
      this.finished(task, outcome);
    }
  }

  /** Runs the handler and turns what it returns or throws into the report. */
  private async invoke(task: TaskContext): Promise<TaskComplete | TaskFail | undefined> {
    let result: unknown;
    try {
      result = await this.handler(task);
    } catch (error) {
      if (task.cancelled) {
        return undefined;
      }
      if (error instanceof NonRetryableTaskError) {
        return this.fail(task.taskId, task.leaseEpoch, describe(error), false);
      }
      this.log.warn(`Handler failed on ${task}: ${error instanceof Error ? (error.stack ?? error) : String(error)}`);
      return this.fail(task.taskId, task.leaseEpoch, describe(error), true);
    }
    if (task.cancelled) {
      return undefined;
    }
    let json: Json;
    try {
      const text = JSON.stringify(result);
      json = text === undefined ? null : (JSON.parse(text) as Json);
    } catch (error) {
      return this.fail(task.taskId, task.leaseEpoch, `Result cannot be written as JSON: ${describe(error)}`, false);
    }
    const complete: TaskComplete = {
      type: "task_complete",
      id: this.sender.nextId(),
      task_id: task.taskId,
      lease_epoch: task.leaseEpoch,
      result: json,
    };
    if (task.childTraceparent !== null) {
      complete.traceparent = task.childTraceparent;
    }
    return complete;
  }

  private fail(taskId: string, leaseEpoch: number, error: string, retryable: boolean): TaskFail {
    return { type: "task_fail", id: this.sender.nextId(), task_id: taskId, lease_epoch: leaseEpoch, error, retryable };
  }

  private finished(task: TaskContext, outcome: TaskComplete | TaskFail): void {
    if (task.cancelled || this.tasks.get(task.taskId) !== task) {
      return;
    }
    task.markFinished();
    const usage = task.takeUsage();
    if (usage !== undefined) {
      outcome.usage = usage;
    }
    this.outstanding.set(outcome.id as string, {
      taskId: task.taskId,
      leaseEpoch: task.leaseEpoch,
      frame: outcome,
      retries: 0,
    });
    this.sender.send(outcome);
  }

  /**
   * Sends a progress report with the usage kept, if connected; usage stays kept while not.
   * A report that carries usage has an id, so that a retryable refusal sends it again.
   * @param onlyUsage send nothing unless usage is kept
   */
  private progress(task: TaskContext, percent: number | undefined, message: string | undefined, onlyUsage = false): void {
    if (this.tasks.get(task.taskId) !== task || task.cancelled || task.finished || !this.sender.ready) {
      return;
    }
    const usage = task.takeUsage();
    if (usage === undefined && onlyUsage) {
      return;
    }
    const frame: TaskProgress = { type: "task_progress", task_id: task.taskId, lease_epoch: task.leaseEpoch };
    if (percent !== undefined) {
      frame.progress = percent;
    }
    if (message !== undefined) {
      frame.message = message;
    }
    if (usage !== undefined) {
      frame.id = this.sender.nextId();
      frame.usage = usage;
      this.outstanding.set(frame.id, { taskId: task.taskId, leaseEpoch: task.leaseEpoch, frame, retries: 0 });
    }
    this.sender.send(frame);
  }

  private ask(task: TaskContext, question: InputRequest): void {
    if (!task.cancelled && !task.finished && this.tasks.get(task.taskId) === task) {
      this.sendQuestion(task, question);
    }
  }

  /** Sends a question with a fresh id (the same `request_id`), awaiting its `ack`. */
  private sendQuestion(task: TaskContext, question: InputRequest): void {
    const frame: InputRequest = { ...question, id: this.sender.nextId() };
    this.outstanding.set(frame.id as string, { taskId: task.taskId, leaseEpoch: task.leaseEpoch, frame, retries: 0 });
    this.sender.send(frame);
  }

  /**
   * Keeps a refused frame and sends it again, with the same id, after a backoff, unless by
   * then it was answered, its task dropped, or its lease replaced.
   */
  private retryLater(frameId: string, refused: Outstanding, error: ErrorFrame): void {
    const task = this.tasks.get(refused.taskId);
    if (task === undefined || task.leaseEpoch !== refused.leaseEpoch) {
      return;
    }
    const waiting: Outstanding = { ...refused, retries: refused.retries + 1 };
    this.outstanding.set(frameId, waiting);
    const delay = Math.max(50, this.retryBackoff.delay(refused.retries));
    this.log.info(`Nexus cannot store a frame of ${task} now (${error.code}); sending it again in ${Math.round(delay)} ms`);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.outstanding.get(frameId) === waiting) {
        this.sender.send(waiting.frame);
      }
    }, delay);
    this.timers.add(timer);
  }

  private drop(task: TaskContext, reason: string): void {
    this.log.info(`Dropping ${task}: ${reason}`);
    if (this.tasks.get(task.taskId) === task) {
      this.tasks.delete(task.taskId);
    }
    this.forgetFrames(task.taskId);
    task.cancel(reason);
    this.checkDrained();
  }

  /** Forgets the frames of a task that still await an answer (a lost connection's, too). */
  private forgetFrames(taskId: string): void {
    this.outstanding = new Map([...this.outstanding].filter(([, sent]) => sent.taskId !== taskId));
  }

  private checkDrained(): void {
    if (this.drainWaiters !== undefined && this.tasks.size === 0) {
      for (const resolve of this.drainWaiters.splice(0)) {
        resolve();
      }
    }
  }

  private clearTimers(): void {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
  }
}

function describe(error: unknown): string {
  let text: string;
  if (error instanceof NonRetryableTaskError) {
    text = error.message;
  } else if (error instanceof Error) {
    text = error.message ? `${error.name}: ${error.message}` : error.name;
  } else {
    text = String(error);
  }
  return text.slice(0, MAX_ERROR_LENGTH);
}
