/**
 * Keeps the agent connected: opens the WebSocket, registers, sends heartbeats, routes incoming
 * frames, and reconnects with backoff until stopped or refused.
 */

import WebSocket from "ws";

import { ServerRotation } from "./backoff.js";
import { RECONNECT_AT_ONCE, refusal } from "./close-codes.js";
import {
  decode,
  PROTOCOL_VERSION,
  type AgentMessage,
  type AgentRegister,
  type ErrorFrame,
  type IncomingFrame,
  type Registered,
} from "./frames.js";
import type { Logger } from "./log.js";
import { Pause } from "./pause.js";
import type { TaskRunner } from "./runner.js";
import type { FrameSender } from "./sender.js";
import type { ConnectionSettings } from "./settings.js";
import { ResourceUsage } from "./usage.js";

const DEFAULT_HEARTBEAT_SECONDS = 30;
/** Larger than anything Nexus sends (its own frame limit is 512 KiB). */
const MAX_FRAME_SIZE = 8 * 1024 * 1024;

/** How a connection attempt ended. */
interface Closed {
  registered: boolean;
  code: number;
  reason: string;
  refused?: string;
}

/** The agent's connection to Nexus. */
export class Connector {
  private readonly servers: ServerRotation;
  private agentIdValue: string;
  private issuedTokenValue: string | undefined;
  private readonly usage = new ResourceUsage();
  private socket: WebSocket | undefined;
  private isRegistered = false;
  private readonly registrationWaiters = new Set<() => void>();
  private stopping = false;
  private holdUntil = 0;
  private readonly pause = new Pause();

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly sender: FrameSender,
    private readonly runner: TaskRunner,
    private readonly messages: (message: AgentMessage) => void,
    private readonly rejected: (message: string) => void,
    private readonly log: Logger,
  ) {
    this.servers = new ServerRotation(settings.serverUris);
    this.agentIdValue = settings.agentId;
  }

  get agentId(): string {
    return this.agentIdValue;
  }

  get issuedToken(): string | undefined {
    return this.issuedTokenValue;
  }

  /** Whether the agent is registered now. */
  get registered(): boolean {
    return this.isRegistered;
  }

  /** Resolves at the next registration (at once when registered). */
  whenRegistered(): { promise: Promise<void>; cancel: () => void } {
    if (this.isRegistered) {
      return { promise: Promise.resolve(), cancel: () => undefined };
    }
    let waiter: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => {
      waiter = resolve;
      this.registrationWaiters.add(waiter);
    });
    return { promise, cancel: () => this.registrationWaiters.delete(waiter) };
  }

  /** Closes the connection politely; no reconnection follows. */
  async shutdown(code: number, reason: string, timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.pause.reschedule(0);
    const socket = this.socket;
    if (socket === undefined || socket.readyState === WebSocket.CLOSED) {
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.close(code, reason);
    });
  }

  /** Drops the connection without a goodbye; no reconnection follows. */
  abort(): void {
    this.stopping = true;
    this.socket?.terminate();
    this.pause.reschedule(0);
  }

  /** Drops the connection as a network failure would; reconnects no sooner than `reconnectAfterMs`. */
  drop(reconnectAfterMs: number): void {
    this.holdUntil = Date.now() + reconnectAfterMs;
    if (this.socket !== undefined) {
      this.socket.terminate();
    } else {
      this.pause.reschedule(reconnectAfterMs); // away already: reconnect no sooner than that
    }
  }

  /** Connects, and reconnects after every lost connection, until stopped or refused. */
  async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let closed: Closed;
      try {
        closed = await this.connectOnce(this.servers.current());
      } catch (error) {
        // a bug must not end the agent's connection for good
        this.log.error(`The connection failed unexpectedly: ${error instanceof Error ? error.stack : String(error)}`);
        closed = { registered: false, code: 1006, reason: "" };
      }
      if (this.stopping) {
        break;
      }
      if (closed.refused !== undefined) {
        this.stopping = true;
        this.rejected(closed.refused);
        break;
      }
      if (closed.registered) {
        failures = 0;
      }
      if (this.servers.size > 1) {
        this.log.info(`Trying the next Nexus node: ${this.servers.advance()}`);
      }
      let delay = closed.code === RECONNECT_AT_ONCE ? 0 : this.settings.backoff.delay(failures);
      failures += 1;
      delay = Math.max(delay, this.holdUntil - Date.now());
      this.log.info(`Reconnecting to Nexus in ${Math.round(delay)} ms`);
      await this.pause.wait(delay);
    }
  }

  /** One connection, from the handshake until it ends; says how it ended. */
  private connectOnce(uri: string): Promise<Closed> {
    this.log.debug(`Connecting to ${uri}`);
    const bearer = this.bearer();
    const socket = new WebSocket(uri, {
      headers: bearer === undefined ? {} : { Authorization: `Bearer ${bearer}` },
      handshakeTimeout: this.settings.connectTimeoutMs,
      maxPayload: MAX_FRAME_SIZE,
    });
    this.socket = socket;
    let registered = false;
    let lastError: string | undefined;
    let refused: string | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    const registrationTimer = setTimeout(() => {
      this.log.warn(`Nexus did not answer agent_register within ${this.settings.registrationTimeoutMs} ms`);
      socket.terminate();
    }, this.settings.registrationTimeoutMs);

    socket.on("unexpected-response", (_request, response) => {
      const status = response.statusCode ?? 0;
      if (status === 401 || status === 403) {
        refused = `Nexus refused the agent's credentials (HTTP ${status})`;
      } else {
        lastError = `HTTP ${status}`;
      }
      socket.terminate();
    });
    socket.on("error", (error) => {
      lastError ??= error.message;
      this.log.debug(`Connection error: ${error.message}`);
    });
    socket.on("open", () => {
      socket.send(JSON.stringify(this.registerFrame()));
    });
    socket.on("message", (data, isBinary) => {
      if (isBinary) {
        this.log.info("Ignoring a binary frame");
        return;
      }
      let frame: IncomingFrame | undefined;
      try {
        frame = decode(rawText(data));
      } catch (error) {
        this.log.warn(`Ignoring a frame that cannot be read: ${(error as Error).message}`);
        return;
      }
      if (frame === undefined) {
        this.log.info("Ignoring a frame of a type this SDK does not know");
      } else if (frame.type === "registered" && !registered) {
        registered = true;
        clearTimeout(registrationTimer);
        heartbeat = this.onRegistered(frame, socket);
      } else if (frame.type === "error") {
        lastError = this.onError(frame, registered, socket) ?? lastError;
      } else if (registered) {
        this.dispatch(frame);
      } else {
        this.log.warn(`Ignoring '${frame.type}' received before 'registered'`);
      }
    });

    return new Promise<Closed>((resolve) => {
      socket.on("close", (code, reasonBuffer) => {
        clearTimeout(registrationTimer);
        clearInterval(heartbeat);
        this.disconnected(socket);
        const reason = reasonBuffer.toString();
        resolve(this.closed(registered, code, reason, lastError, refused));
      });
    });
  }

  private disconnected(socket: WebSocket): void {
    if (this.socket === socket) {
      this.socket = undefined;
    }
    this.sender.detach();
    this.isRegistered = false;
  }

  private closed(
    registered: boolean,
    code: number,
    reason: string,
    lastError: string | undefined,
    refused: string | undefined,
  ): Closed {
    let text = reason;
    if (lastError !== undefined) {
      text = text ? `${text} (${lastError})` : lastError;
    }
    text ||= "no reason given";
    if (this.stopping) {
      return { registered, code, reason: text };
    }
    const forGood = refused ?? refusal(code, text);
    if (forGood !== undefined) {
      return { registered, code, reason: text, refused: forGood };
    }
    const line = `Connection to Nexus closed (${code} ${text})`;
    if (code >= 4000) {
      this.log.warn(line);
    } else {
      this.log.info(line);
    }
    return { registered, code, reason: text };
  }

  private registerFrame(): AgentRegister {
    const frame: AgentRegister = {
      type: "agent_register",
      id: this.sender.nextId(),
      agent_id: this.agentIdValue,
      agent_name: this.settings.name,
      capabilities: this.settings.capabilities,
      max_concurrency: this.settings.maxConcurrency,
      protocol_version: PROTOCOL_VERSION,
      running_tasks: this.runner.leases(),
    };
    const credential = this.credential();
    if (credential !== undefined) {
      frame.token = credential;
    }
    return frame;
  }

  private onRegistered(frame: Registered, socket: WebSocket): NodeJS.Timeout {
    if (frame.agent_id) {
      this.agentIdValue = frame.agent_id;
    }
    if (frame.token) {
      this.issuedTokenValue = frame.token;
      this.log.info("Enrolled: Nexus issued an agent token, used from now on");
    }
    this.sender.attach((text) => {
      if (socket.readyState === WebSocket.OPEN) {
        socket.send(text);
      }
    });
    if (this.runner.draining) {
      this.sender.send({ type: "status_update", id: this.sender.nextId(), status: "draining" });
    }
    this.runner.onRegistered(frame.resumed_tasks);
    const interval = (frame.heartbeat_interval_seconds ?? DEFAULT_HEARTBEAT_SECONDS) * 1000;
    this.sendHeartbeat();
    const heartbeat = setInterval(() => this.sendHeartbeat(), interval);
    this.log.info(
      `Registered with Nexus as ${this.agentIdValue} (${frame.resumed_tasks?.length ?? 0} lease(s) resumed)`,
    );
    this.isRegistered = true;
    for (const waiter of [...this.registrationWaiters]) {
      this.registrationWaiters.delete(waiter);
      waiter();
    }
    return heartbeat;
  }

  /** @returns the error's text when it refused the registration */
  private onError(error: ErrorFrame, registered: boolean, socket: WebSocket): string | undefined {
    if (this.runner.onError(error)) {
      return undefined;
    }
    const text = `${error.code}: ${error.message ?? ""}`;
    this.log.warn(`Nexus reported an error: ${text}`);
    if (registered) {
      return undefined;
    }
    if (error.retryable === true) {
      // Nexus cannot register the agent now (its database is away): try again with backoff
      // rather than wait for the registration timeout
      socket.terminate();
    }
    return text;
  }

  private dispatch(frame: IncomingFrame): void {
    switch (frame.type) {
      case "task_assigned":
        this.runner.onAssigned(frame);
        break;
      case "task_cancel":
        this.runner.onCancel(frame);
        break;
      case "input_response":
        this.runner.onInputResponse(frame);
        break;
      case "ack":
        this.runner.onAck(frame);
        break;
      case "ping":
        this.sendHeartbeat();
        break;
      case "message":
        this.messages(frame);
        break;
      default:
        this.log.info(`Ignoring '${frame.type}': not expected now`);
    }
  }

  private sendHeartbeat(): void {
    const cpu = this.usage.cpuPercent();
    const memory = this.usage.memoryPercent();
    this.sender.send({
      type: "heartbeat",
      ...(cpu === undefined ? {} : { cpu_usage: cpu }),
      ...(memory === undefined ? {} : { memory_usage: memory }),
      running_tasks: this.runner.heldTaskIds(),
      sent_at: Date.now(),
    });
  }

  // Credentials ------------------------------------------------------------------------------

  /** The `token` field: the agent token, or the enrollment key until one is issued. */
  private credential(): string | undefined {
    return this.bearer() ?? this.settings.enrollmentKey;
  }

  /** The handshake's bearer: the agent token, never an enrollment key. */
  private bearer(): string | undefined {
    return this.issuedTokenValue ?? this.settings.token;
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) {
    return Buffer.concat(data).toString("utf8");
  }
  if (data instanceof ArrayBuffer) {
    return Buffer.from(data).toString("utf8");
  }
  return data.toString("utf8");
}
