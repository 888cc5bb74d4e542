/**
 * The frames of the agent protocol (docs/protocol.md), as typed interfaces.
 *
 * Field names are the wire names (`snake_case`). {@link encode} leaves out fields that are
 * `undefined` or `null`; {@link decode} ignores fields and frame types it does not know, so
 * that a newer server does not break an older agent.
 */

export const PROTOCOL_VERSION = 1;

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A task and the lease epoch under which the agent runs it. */
export interface TaskLease {
  task_id: string;
  lease_epoch: number;
}

// Agent to Nexus ---------------------------------------------------------------------------

/** The first frame of every connection: who the agent is and what it still runs. */
export interface AgentRegister {
  type: "agent_register";
  id?: string;
  agent_id: string;
  agent_name?: string;
  token?: string;
  capabilities?: string[];
  max_concurrency?: number;
  protocol_version: number;
  running_tasks: TaskLease[];
}

/** A sign of life with the machine's CPU and memory use in percent. */
export interface Heartbeat {
  type: "heartbeat";
  cpu_usage?: number;
  memory_usage?: number;
  running_tasks: string[];
  sent_at: number;
}

/** The agent takes an assigned task. */
export interface TaskAccept {
  type: "task_accept";
  id?: string;
  task_id: string;
  lease_epoch: number;
}

/**
 * What a handler spent on a task since its previous report (docs/protocol.md#usage): a delta
 * that Nexus adds to the task's total. Every field is optional; {@link usageProblem} says what
 * is out of bounds (Nexus refuses such a frame whole).
 */
export interface Usage {
  /** Tokens read by the model, 0 to {@link MAX_TOKENS}. */
  input_tokens?: number;
  /** Tokens written by the model, 0 to {@link MAX_TOKENS}. */
  output_tokens?: number;
  /** Money spent, 0 to {@link MAX_COST} (Nexus keeps 6 decimals). */
  cost?: number;
  /** The currency of `cost`: ISO 4217, three capital letters; default USD. */
  currency?: string;
  /** The model, 1 to {@link MAX_MODEL_LENGTH} printable characters. */
  model?: string;
}

/** The most tokens of one kind one usage report may carry. */
export const MAX_TOKENS = 1_000_000_000;
/** The most money one usage report may carry. */
export const MAX_COST = 1_000_000;
/** The longest model name. */
export const MAX_MODEL_LENGTH = 128;

/** How far a task has got; `message` absent clears the previous note. */
export interface TaskProgress {
  type: "task_progress";
  id?: string;
  task_id: string;
  lease_epoch: number;
  progress?: number;
  message?: string;
  usage?: Usage;
}

/** The task's result. */
export interface TaskComplete {
  type: "task_complete";
  id?: string;
  task_id: string;
  lease_epoch: number;
  result?: Json;
  traceparent?: string;
  usage?: Usage;
}

/** The task failed; `retryable` false fails it at once, whatever attempts remain. */
export interface TaskFail {
  type: "task_fail";
  id?: string;
  task_id: string;
  lease_epoch: number;
  error?: string;
  retryable: boolean;
  usage?: Usage;
}

/**
 * Asks a person for input on a running task: the task waits in `input_required`, its timeout
 * clock paused, until the answer comes as {@link InputResponse}.
 */
export interface InputRequest {
  type: "input_request";
  id?: string;
  task_id: string;
  lease_epoch: number;
  /** The agent's id for the question, 1-128 characters; the answer echoes it. */
  request_id: string;
  /** What to ask, 1-4,000 characters. */
  prompt: string;
  /** A JSON Schema the answer must fit (the subset of docs/api.md), at most 16,384 bytes. */
  schema?: Json;
  /** How long to wait for the answer, at least 1; Nexus's default when absent. */
  timeout_seconds?: number;
}

/** The agent's operational status; `draining` stops new work for this connection. */
export interface StatusUpdate {
  type: "status_update";
  id?: string;
  status: "active" | "idle" | "busy" | "maintenance" | "error" | "draining";
}

/** A message between agents: sent with a recipient, received with `from_agent`. */
export interface AgentMessage {
  type: "message";
  id?: string | null;
  to_agent?: string | null;
  to_capability?: string | null;
  from_agent?: string | null;
  body?: Json;
}

// Nexus to agent ---------------------------------------------------------------------------

/** Nexus accepted `agent_register`; `resumed_tasks` are the leases the agent keeps. */
export interface Registered {
  type: "registered";
  agent_id: string | null;
  protocol_version: number | null;
  heartbeat_interval_seconds: number | null;
  token: string | null;
  resumed_tasks: TaskLease[] | null;
}

/** A task for this agent under a new lease epoch. */
export interface TaskAssigned {
  type: "task_assigned";
  task_id: string;
  lease_epoch: number;
  attempt: number;
  title: string | null;
  description: string | null;
  priority: string | null;
  category: string | null;
  required_capabilities: string[] | null;
  payload: Json;
  timeout_seconds: number | null;
  traceparent: string | null;
}

/** Stop working on a task: the lease ends. */
export interface TaskCancel {
  type: "task_cancel";
  task_id: string;
  lease_epoch: number;
  reason: string | null;
}

/** A person's answer to an {@link InputRequest}; the task runs again under `lease_epoch`. */
export interface InputResponse {
  type: "input_response";
  task_id: string;
  /** The lease the answer is for: after a re-dispatch, the new lease of `task_assigned`. */
  lease_epoch: number;
  request_id: string;
  answer: Json;
}

/** Nexus applied and stored the frame with this id. */
export interface Ack {
  type: "ack";
  id: string | null;
  task_id: string | null;
}

/** Nexus refused the frame with this id; the frame changed nothing. */
export interface ErrorFrame {
  type: "error";
  id: string | null;
  code: string;
  message: string | null;
  /** `true` when the refusal is passing (code `unavailable`): send the frame again later. */
  retryable: boolean | null;
}

/** Asks for a heartbeat (part of the protocol; Nexus does not send it today). */
export interface Ping {
  type: "ping";
  sent_at: number | null;
}

/** The frames an agent sends. */
export type OutgoingFrame =
  | AgentRegister
  | Heartbeat
  | TaskAccept
  | TaskProgress
  | TaskComplete
  | TaskFail
  | InputRequest
  | StatusUpdate
  | AgentMessage;

/** The frames Nexus sends. */
export type IncomingFrame =
  | Registered
  | TaskAssigned
  | TaskCancel
  | InputResponse
  | Ack
  | ErrorFrame
  | AgentMessage
  | Ping;

/**
 * Writes a frame as JSON text, `type` first, with the frame's own `undefined` and `null`
 * fields left out (`null` inside a result or body stays).
 */
export function encode(frame: OutgoingFrame): string {
  const present = Object.entries(frame).filter(([, value]) => value !== null && value !== undefined);
  return JSON.stringify(Object.fromEntries(present));
}

type Reader = (tree: Record<string, unknown>) => IncomingFrame;

const READERS: Record<string, Reader> = {
  registered: (t) => ({
    type: "registered",
    agent_id: optionalString(t, "agent_id"),
    protocol_version: optionalNumber(t, "protocol_version"),
    heartbeat_interval_seconds: optionalNumber(t, "heartbeat_interval_seconds"),
    token: optionalString(t, "token"),
    resumed_tasks: t.resumed_tasks == null ? null : leases(t.resumed_tasks),
  }),
  task_assigned: (t) => ({
    type: "task_assigned",
    task_id: requiredString(t, "task_id"),
    lease_epoch: requiredNumber(t, "lease_epoch"),
    attempt: optionalNumber(t, "attempt") ?? 1,
    title: optionalString(t, "title"),
    description: optionalString(t, "description"),
    priority: optionalString(t, "priority"),
    category: optionalString(t, "category"),
    required_capabilities: Array.isArray(t.required_capabilities) ? t.required_capabilities.map(String) : null,
    payload: (t.payload ?? null) as Json,
    timeout_seconds: optionalNumber(t, "timeout_seconds"),
    traceparent: optionalString(t, "traceparent"),
  }),
  task_cancel: (t) => ({
    type: "task_cancel",
    task_id: requiredString(t, "task_id"),
    lease_epoch: requiredNumber(t, "lease_epoch"),
    reason: optionalString(t, "reason"),
  }),
  input_response: (t) => ({
    type: "input_response",
    task_id: requiredString(t, "task_id"),
    lease_epoch: requiredNumber(t, "lease_epoch"),
    request_id: requiredString(t, "request_id"),
    answer: (t.answer ?? null) as Json,
  }),
  ack: (t) => ({ type: "ack", id: optionalString(t, "id"), task_id: optionalString(t, "task_id") }),
  error: (t) => ({
    type: "error",
    id: optionalString(t, "id"),
    code: requiredString(t, "code"),
    message: optionalString(t, "message"),
    retryable: typeof t.retryable === "boolean" ? t.retryable : null,
  }),
  message: (t) => ({
    type: "message",
    id: optionalString(t, "id"),
    to_agent: optionalString(t, "to_agent"),
    to_capability: optionalString(t, "to_capability"),
    from_agent: optionalString(t, "from_agent"),
    body: (t.body ?? null) as Json,
  }),
  ping: (t) => ({ type: "ping", sent_at: optionalNumber(t, "sent_at") }),
};

/** Why a text is not a frame this SDK reads. */
export class FrameError extends Error {}

/**
 * Reads a frame that Nexus sent. Text that is not JSON, a frame without a type, or with
 * fields of the wrong type throws {@link FrameError}; a frame of a type this SDK does not
 * know gives `undefined`.
 */
export function decode(text: string): IncomingFrame | undefined {
  let tree: unknown;
  try {
    tree = JSON.parse(text);
  } catch (error) {
    throw new FrameError(`not JSON: ${(error as Error).message}`);
  }
  if (typeof tree !== "object" || tree === null || Array.isArray(tree)) {
    throw new FrameError("not a JSON object");
  }
  const fields = tree as Record<string, unknown>;
  if (typeof fields.type !== "string") {
    throw new FrameError("no type");
  }
  const reader = Object.hasOwn(READERS, fields.type) ? READERS[fields.type] : undefined;
  return reader?.(fields);
}

function requiredString(tree: Record<string, unknown>, name: string): string {
  const value = tree[name];
  if (typeof value !== "string") {
    throw new FrameError(`'${String(tree.type)}' needs a string '${name}'`);
  }
  return value;
}

function optionalString(tree: Record<string, unknown>, name: string): string | null {
  const value = tree[name];
  return value == null ? null : requiredString(tree, name);
}

function requiredNumber(tree: Record<string, unknown>, name: string): number {
  const value = tree[name];
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new FrameError(`'${String(tree.type)}' needs a number '${name}'`);
  }
  return value;
}

function optionalNumber(tree: Record<string, unknown>, name: string): number | null {
  const value = tree[name];
  return value == null ? null : requiredNumber(tree, name);
}

function leases(value: unknown): TaskLease[] {
  if (!Array.isArray(value)) {
    throw new FrameError("a lease list must be an array");
  }
  return value.map((entry: unknown) => {
    if (typeof entry !== "object" || entry === null) {
      throw new FrameError(`not a lease: ${JSON.stringify(entry)}`);
    }
    const lease = entry as Record<string, unknown>;
    return { task_id: requiredString(lease, "task_id"), lease_epoch: requiredNumber(lease, "lease_epoch") };
  });
}
