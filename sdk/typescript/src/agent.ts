/** The agent: connects, registers, keeps the connection alive, runs tasks, and drains. */

import { Backoff } from "./backoff.js";
import { Connector } from "./connector.js";
import type { AgentMessage, Json } from "./frames.js";
import { consoleLogger, type Logger } from "./log.js";
import { TaskRunner, type TaskHandler } from "./runner.js";
import { FrameSender } from "./sender.js";

const CLOSE_TIMEOUT_MS = 5000;

/** Nexus refused the agent for good (close 4401, 4403 or 4409, or HTTP 401/403). */
export class AgentRejectedError extends Error {
  override name = "AgentRejectedError";
}

/** A message from another agent. */
export type MessageListener = (message: AgentMessage) => unknown;

/** How to build a {@link NexusAgent}. */
export interface NexusAgentOptions {
  /** The WebSocket endpoint (`ws://host:4100/ws`), or several nodes' endpoints, tried in turn. */
  serverUri: string | readonly string[];
  /** The agent's id (the one its token was issued for). */
  agentId: string;
  /** `async (task) => result` */
  handler: TaskHandler;
  /** The agent token from `POST /api/agents` (`nxa_...`); exactly one of this and `enrollmentKey`. */
  token?: string;
  /** An enrollment key (`nxe_...`): the agent registers itself and Nexus issues a token. */
  enrollmentKey?: string;
  /** A human name when enrolling (default: the id). */
  name?: string;
  /** What the agent can do (used when enrolling; Nexus keeps the stored ones for a token). */
  capabilities?: readonly string[];
  /** How many handlers run at once, 1 to 1000 (default 1). */
  maxConcurrency?: number;
  /** Ceiling of the first reconnection delay, ms (default 1000). */
  initialBackoffMs?: number;
  /** Largest reconnection delay ceiling, ms (default 30,000). */
  maxBackoffMs?: number;
  /** How long {@link NexusAgent.close} waits for running tasks, ms (default 30,000). */
  drainTimeoutMs?: number;
  /** How long a WebSocket handshake may take, ms (default 10,000). */
  connectTimeoutMs?: number;
  /** How long Nexus may take to answer `agent_register`, ms (default 30,000). */
  registrationTimeoutMs?: number;
  /** Where to log (default: standard error, from `info`). */
  logger?: Logger;
}

/**
 * An agent connected to Nexus: it registers, sends heartbeats, runs the tasks Nexus assigns
 * with an async handler, reports their outcome until it is acknowledged, and reconnects with
 * backoff, resuming its running tasks with their lease epochs.
 *
 * `await agent.run()` (until SIGTERM or SIGINT, then drain), or `agent.start()` and later
 * `await agent.close()`.
 */
export class NexusAgent {
  private readonly sender = new FrameSender();
  private readonly runner: TaskRunner;
  private readonly connector: Connector;
  private readonly listeners: MessageListener[] = [];
  private readonly log: Logger;
  private readonly drainTimeoutMs: number;
  private loop: Promise<void> | undefined;
  private stoppedFlag = false;
  private readonly stopWaiters: Array<() => void> = [];
  private closing: Promise<void> | undefined;
  private rejection: AgentRejectedError | undefined;

  constructor(options: NexusAgentOptions) {
    const uris = typeof options.serverUri === "string" ? [options.serverUri] : [...options.serverUri];
    const maxConcurrency = options.maxConcurrency ?? 1;
    validate(uris, options, maxConcurrency);
    const backoff = new Backoff(options.initialBackoffMs ?? 1000, options.maxBackoffMs ?? 30_000);
    this.log = options.logger ?? consoleLogger();
    this.drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
    this.runner = new TaskRunner(options.handler, this.sender, maxConcurrency, backoff, this.log);
    this.connector = new Connector(
      {
        serverUris: uris,
        agentId: options.agentId,
        token: options.token,
        enrollmentKey: options.enrollmentKey,
        name: options.name ?? options.agentId,
        capabilities: [...(options.capabilities ?? [])],
        maxConcurrency,
        backoff,
        connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
        registrationTimeoutMs: options.registrationTimeoutMs ?? 30_000,
      },
      this.sender,
      this.runner,
      (message) => this.deliver(message),
      (message) => this.reject(message),
      this.log,
    );
  }

  /** The agent's id, as Nexus confirmed it once registered. */
  get agentId(): string {
    return this.connector.agentId;
  }

  /**
   * The token Nexus issued when the agent enrolled with a key. Keep it (Nexus shows it once)
   * and pass it as `token` next time.
   */
  get issuedToken(): string | undefined {
    return this.connector.issuedToken;
  }

  /** Whether the agent is connected and registered now. */
  get connected(): boolean {
    return this.connector.registered;
  }

  /** The tasks the agent holds: running, or finished with an unacknowledged result. */
  get runningTasks(): string[] {
    return this.runner.heldTaskIds();
  }

  /** Whether the agent has stopped (closed, killed or rejected). */
  get stopped(): boolean {
    return this.stoppedFlag;
  }

  /**
   * Connects in the background and returns at once. Failures are retried with backoff until
   * {@link close}; refused credentials stop the agent.
   */
  start(): void {
    if (this.loop !== undefined || this.stoppedFlag) {
      throw new Error("The agent can be started once");
    }
    this.loop = this.connector.run();
  }

  /**
   * Waits until the agent is registered.
   * @returns `true` if registered, `false` on timeout or once stopped
   * @throws AgentRejectedError if Nexus refused the agent
   */
  async waitRegistered(timeoutMs: number): Promise<boolean> {
    if (!this.connector.registered && !this.stoppedFlag) {
      const registration = this.connector.whenRegistered();
      let timer: NodeJS.Timeout | undefined;
      let stopWaiter: () => void = () => undefined;
      await Promise.race([
        registration.promise,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
        new Promise<void>((resolve) => {
          stopWaiter = resolve;
          this.stopWaiters.push(resolve);
        }),
      ]);
      clearTimeout(timer);
      registration.cancel();
      const waiting = this.stopWaiters.indexOf(stopWaiter);
      if (waiting >= 0) {
        this.stopWaiters.splice(waiting, 1);
      }
    }
    if (this.rejection !== undefined) {
      throw this.rejection;
    }
    return this.connector.registered;
  }

  /** Waits until the agent has stopped (closed, killed or rejected). */
  async waitStopped(): Promise<void> {
    if (!this.stoppedFlag) {
      await new Promise<void>((resolve) => this.stopWaiters.push(resolve));
    }
  }

  /**
   * Starts the agent and runs until it stops. With `handleSignals` (the default), SIGTERM and
   * SIGINT drain it gracefully ({@link close}).
   * @throws AgentRejectedError if Nexus refused the agent
   */
  async run(options: { handleSignals?: boolean } = {}): Promise<void> {
    this.start();
    const onSignal = (signal: NodeJS.Signals): void => {
      this.log.info(`Received ${signal}: draining`);
      void this.close();
    };
    const handleSignals = options.handleSignals ?? true;
    if (handleSignals) {
      process.on("SIGTERM", onSignal);
      process.on("SIGINT", onSignal);
    }
    try {
      await this.waitStopped();
    } finally {
      if (handleSignals) {
        process.off("SIGTERM", onSignal);
        process.off("SIGINT", onSignal);
      }
    }
    if (this.rejection !== undefined) {
      throw this.rejection;
    }
  }

  /**
   * Stops gracefully: tells Nexus it is draining, refuses new assignments (`task_fail`,
   * retryable), lets running handlers finish and their results be acknowledged for up to the
   * drain timeout, then closes with code 1000. Handlers still running after the timeout are
   * cancelled (their signal aborts). Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.drainAndClose();
    return this.closing;
  }

  private async drainAndClose(): Promise<void> {
    if (this.loop !== undefined && !this.stoppedFlag) {
      this.log.info(`Draining: finishing ${this.runner.heldTaskIds().length} running task(s), taking no new ones`);
      await this.runner.drain(this.drainTimeoutMs);
      await this.connector.shutdown(1000, "agent closed", CLOSE_TIMEOUT_MS);
    }
    this.finish("agent closed");
    await this.loop;
  }

  /**
   * Stops at once, as a crash would: the socket is dropped without a close frame, handlers
   * are cancelled, nothing more is sent. For tests.
   */
  kill(): void {
    this.connector.abort();
    this.runner.cancelAllSilently();
    this.finish("agent killed");
  }

  /**
   * Drops the connection without a close frame, as a network failure would, and reconnects
   * no sooner than `reconnectAfterMs`. For tests.
   */
  dropConnection(reconnectAfterMs = 0): void {
    this.connector.drop(reconnectAfterMs);
  }

  /**
   * Sends a message to another agent, or to every agent with a capability.
   * @returns whether it went out (`false` when not connected)
   */
  sendMessage(body: Json, to: { agent: string } | { capability: string }): boolean {
    const recipient = "agent" in to ? { to_agent: to.agent } : { to_capability: to.capability };
    return this.sender.send({ type: "message", id: this.sender.nextId(), ...recipient, body });
  }

  /**
   * Adds a listener (a function or an async function) for messages from other agents; one
   * that fails is logged and does not stop the others.
   */
  onMessage(listener: MessageListener): void {
    this.listeners.push(listener);
  }

  private deliver(message: AgentMessage): void {
    for (const listener of [...this.listeners]) {
      try {
        const outcome = listener(message);
        if (outcome instanceof Promise) {
          outcome.catch((error: unknown) => this.log.warn(`A message listener failed: ${String(error)}`));
        }
      } catch (error) {
        this.log.warn(`A message listener failed: ${String(error)}`);
      }
    }
  }

  private reject(message: string): void {
    this.log.error(message);
    this.rejection = new AgentRejectedError(message);
    this.finish("Nexus refused the agent");
  }

  private finish(reason: string): void {
    this.connector.abort();
    this.runner.cancelAll(reason);
    if (!this.stoppedFlag) {
      this.stoppedFlag = true;
      for (const resolve of this.stopWaiters.splice(0)) {
        resolve();
      }
    }
  }
}

function validate(uris: string[], options: NexusAgentOptions, maxConcurrency: number): void {
  if (uris.length === 0) {
    throw new TypeError("serverUri is required");
  }
  for (const uri of uris) {
    if (!uri.startsWith("ws://") && !uri.startsWith("wss://")) {
      throw new TypeError(`serverUri must be ws:// or wss://, got ${uri}`);
    }
  }
  if ((options.token === undefined) === (options.enrollmentKey === undefined)) {
    throw new TypeError("Set exactly one of token and enrollmentKey");
  }
  if (!options.agentId) {
    throw new TypeError("agentId is required");
  }
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 1000) {
    throw new RangeError(`maxConcurrency must be 1 to 1000, got ${maxConcurrency}`);
  }
  if (typeof options.handler !== "function") {
    throw new TypeError("handler must be a function");
  }
}
