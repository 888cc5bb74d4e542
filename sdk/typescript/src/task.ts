/** What a task handler sees: one assignment of a task to this agent. */

import { randomBytes } from "node:crypto";

import type { Json, TaskAssigned, TaskLease } from "./frames.js";

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

  /** @internal created by the agent */
  constructor(
    private readonly assignment: TaskAssigned,
    private readonly progressSink: (task: TaskContext, percent: number, message: string | undefined) => void,
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
    this.progressSink(this, clamped, message);
  }

  /** Stops the handler if the task was cancelled: throws {@link TaskCancelledError}. */
  throwIfCancelled(): void {
    if (this.cancelled) {
      throw new TaskCancelledError(`Task ${this.taskId} was cancelled`);
    }
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
