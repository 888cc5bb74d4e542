/** The leases this agent holds and the handlers that work on them. */

import type { Backoff } from "./backoff.js";
import type {
  Ack,
  ErrorFrame,
  Json,
  TaskAccept,
  TaskAssigned,
  TaskCancel,
  TaskComplete,
  TaskFail,
  TaskLease,
} from "./frames.js";
import type { Logger } from "./log.js";
import type { FrameSender } from "./sender.js";
import { Slots } from "./slots.js";
import { NonRetryableTaskError, TaskContext } from "./task.js";

/** `async (task) => result`: the result is any value `JSON.stringify` can write. */
export type TaskHandler = (task: TaskContext) => unknown;

/** Keeps error texts within reason; Nexus stores 500 characters. */
export const MAX_ERROR_LENGTH = 4000;

const FINAL_REFUSALS = new Set(["stale_lease", "unknown_task"]);

type Report = TaskAccept | TaskComplete | TaskFail;

/**
 * A frame that awaits an `ack` or `error`: an accept, or a result to send again after a
 * reconnection until it is acknowledged.
 */
interface Outstanding {
  readonly taskId: string;
  readonly leaseEpoch: number;
  readonly frame: Report;
  readonly retries: number;
}

function isResult(sent: Outstanding): boolean {
  return sent.frame.type !== "task_accept";
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
    const task = new TaskContext(assignment, (t, percent, message) => this.progress(t, percent, message));
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
    if (task !== undefined && task.leaseEpoch === refused.leaseEpoch) {
      const what = isResult(refused) ? "result" : "frame";
      const text = `Nexus refused the ${what} of ${task}, dropping it: ${error.code} ${error.message ?? ""}`;
      if (FINAL_REFUSALS.has(error.code)) {
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
    let outcome: Report | undefined;
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
  private async invoke(task: TaskContext): Promise<Report | undefined> {
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

  private finished(task: TaskContext, outcome: Report): void {
    if (task.cancelled || this.tasks.get(task.taskId) !== task) {
      return;
    }
    task.markFinished();
    this.outstanding.set(outcome.id as string, {
      taskId: task.taskId,
      leaseEpoch: task.leaseEpoch,
      frame: outcome,
      retries: 0,
    });
    this.sender.send(outcome);
  }

  private progress(task: TaskContext, percent: number, message: string | undefined): void {
    if (this.tasks.get(task.taskId) === task) {
      this.sender.send({
        type: "task_progress",
        task_id: task.taskId,
        lease_epoch: task.leaseEpoch,
        progress: percent,
        ...(message === undefined ? {} : { message }),
      });
    }
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
    this.outstanding = new Map([...this.outstanding].filter(([, sent]) => sent.taskId !== task.taskId));
    task.cancel(reason);
    this.checkDrained();
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
