/** Reconnection delays and the rotation over several Nexus nodes. */

/**
 * Exponential backoff with full jitter: before attempt `n` (from 0) the delay is uniform in
 * `[0, min(maximum, initial * 2^n))` milliseconds, so that a fleet of agents that lost the
 * server at the same moment does not reconnect in lockstep.
 */
export class Backoff {
  constructor(
    readonly initialMs = 1000,
    readonly maximumMs = 30_000,
  ) {
    if (!(initialMs > 0)) {
      throw new RangeError(`Initial backoff must be positive, got ${initialMs}`);
    }
    if (!(maximumMs >= initialMs)) {
      throw new RangeError(`Maximum backoff ${maximumMs} is shorter than initial ${initialMs}`);
    }
  }

  /** The largest delay for an attempt: `min(maximum, initial * 2^attempt)`. */
  ceiling(attempt: number): number {
    const exponent = Math.max(0, attempt);
    if (exponent >= 64) {
      return this.maximumMs;
    }
    return Math.min(this.maximumMs, this.initialMs * 2 ** exponent);
  }

  /** The delay in milliseconds before a reconnection attempt, after `attempt` failures in a row. */
  delay(attempt: number, random: () => number = Math.random): number {
    return this.ceiling(attempt) * random();
  }
}

/**
 * The Nexus nodes an agent may connect to, in the order given, and the one it uses now.
 * After a lost connection or a failed attempt the agent moves on to the next (round robin),
 * so that an agent whose node died resumes its tasks on another node.
 */
export class ServerRotation {
  private readonly servers: readonly string[];
  private index = 0;

  constructor(servers: readonly string[]) {
    if (servers.length === 0) {
      throw new RangeError("at least one server URI is required");
    }
    this.servers = [...servers];
  }

  /** The server to connect to now. */
  current(): string {
    return this.servers[this.index] as string;
  }

  /** Moves on to the next server, after the last back to the first; returns it. */
  advance(): string {
    this.index = (this.index + 1) % this.servers.length;
    return this.current();
  }

  get size(): number {
    return this.servers.length;
  }
}
