/** An in-process stand-in for Nexus's WebSocket endpoint, for protocol-level tests. */

import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

import { WebSocket, WebSocketServer } from "ws";

import type { Logger } from "../src/log.js";

export type Wire = Record<string, unknown> & { type: string };

/** One agent connection as the fake server sees it. */
export class FakeConnection {
  readonly received: Wire[] = [];
  private readonly waiters: Array<() => void> = [];
  closed = false;

  constructor(
    readonly socket: WebSocket,
    readonly authorization: string | undefined,
  ) {
    socket.on("message", (data) => {
      this.received.push(JSON.parse(String(data)) as Wire);
      for (const wake of this.waiters.splice(0)) {
        wake();
      }
    });
    socket.on("close", () => {
      this.closed = true;
      for (const wake of this.waiters.splice(0)) {
        wake();
      }
    });
  }

  send(frame: Wire): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** Answers `agent_register`. */
  register(fields: Partial<Wire> = {}): void {
    this.send({
      type: "registered",
      agent_id: "ts-agent",
      protocol_version: 1,
      heartbeat_interval_seconds: 10,
      token: null,
      resumed_tasks: [],
      ...fields,
    });
  }

  assign(taskId: string, leaseEpoch: number, payload: unknown = null): void {
    this.send({
      type: "task_assigned",
      task_id: taskId,
      lease_epoch: leaseEpoch,
      attempt: leaseEpoch,
      title: `title of ${taskId}`,
      description: null,
      priority: "medium",
      category: "test",
      required_capabilities: ["test"],
      payload,
      timeout_seconds: 600,
      traceparent: null,
    });
  }

  ack(frame: Wire): void {
    this.send({ type: "ack", id: frame.id ?? null, task_id: frame.task_id ?? null });
  }

  /** Waits for the first received frame of a type that matches, takes it out and returns it. */
  async next(type: string, predicate: (frame: Wire) => boolean = () => true, timeoutMs = 5000): Promise<Wire> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((frame) => frame.type === type && predicate(frame));
      if (found !== undefined) {
        this.received.splice(this.received.indexOf(found), 1);
        return found;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no '${type}' within ${timeoutMs} ms; received ${JSON.stringify(this.received)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Frames received so far of a type, without waiting. */
  all(type: string): Wire[] {
    return this.received.filter((frame) => frame.type === type);
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) {
        throw new Error("the connection did not close");
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** A WebSocket server on a free loopback port that hands out its connections in order. */
export class FakeNexus {
  readonly connections: FakeConnection[] = [];
  readonly closeCodes: number[] = [];
  private readonly server: WebSocketServer;
  private readonly waiters: Array<() => void> = [];

  private constructor(server: WebSocketServer) {
    this.server = server;
    server.on("connection", (socket: WebSocket, request: IncomingMessage) => {
      socket.on("close", (code) => this.closeCodes.push(code));
      this.connections.push(new FakeConnection(socket, request.headers.authorization));
      for (const wake of this.waiters.splice(0)) {
        wake();
      }
    });
  }

  /** @param refuseWith an HTTP status that refuses every handshake, as a gateway that checks tokens would */
  static async start(refuseWith?: number): Promise<FakeNexus> {
    const server = new WebSocketServer({
      host: "127.0.0.1",
      port: 0,
      ...(refuseWith === undefined ? {} : { verifyClient: (_info, answer) => answer(false, refuseWith) }),
    });
    await new Promise<void>((resolve) => server.once("listening", resolve));
    return new FakeNexus(server);
  }

  get uri(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/ws`;
  }

  /** The n-th connection (from 0), once it has sent `agent_register`. */
  async connection(index: number, timeoutMs = 5000): Promise<FakeConnection> {
    const deadline = Date.now() + timeoutMs;
    while (this.connections.length <= index) {
      if (Date.now() > deadline) {
        throw new Error(`no connection #${index} within ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.connections[index] as FakeConnection;
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) {
      connection.socket.terminate();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls until a condition holds. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Keeps log lines for assertions instead of printing them. */
export function recordingLogger(lines: string[] = []): Logger {
  const keep = (message: string) => {
    lines.push(message);
  };
  return { debug: keep, info: keep, warn: keep, error: keep };
}

/** A promise and its resolve function, to release a handler from a test. */
export function latch(): { promise: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}
