/** Sends frames on the current connection, without blocking the caller. */

import { encode, type OutgoingFrame } from "./frames.js";

/**
 * Hands frames to the connection while the agent is registered, and numbers frames that
 * expect an answer. {@link send} never throws: a frame sent while disconnected is dropped
 * (results are kept elsewhere and sent again after the next registration).
 */
export class FrameSender {
  private ids = 0;
  private writer: ((text: string) => void) | undefined;

  /** A fresh frame id, unique within this agent. */
  nextId(): string {
    this.ids += 1;
    return `f${this.ids}`;
  }

  /** Sends a frame if the agent is registered; returns whether it went out. */
  send(frame: OutgoingFrame): boolean {
    if (this.writer === undefined) {
      return false;
    }
    this.writer(encode(frame));
    return true;
  }

  /** Whether frames go out now. */
  get ready(): boolean {
    return this.writer !== undefined;
  }

  attach(writer: (text: string) => void): void {
    this.writer = writer;
  }

  detach(): void {
    this.writer = undefined;
  }
}
