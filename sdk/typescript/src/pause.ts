/**
 * The wait before the next connection attempt, which the agent can cut short (it stops) or move
 * (a test holds the agent away for a while).
 */
export class Pause {
  private timer: NodeJS.Timeout | undefined;
  private resolve: (() => void) | undefined;

  /** Waits `ms`, or until {@link reschedule} ends the wait at another time. */
  wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(() => this.end(), ms);
    });
  }

  /** Ends the current wait `ms` from now instead (0 or less: at once); nothing when not waiting. */
  reschedule(ms: number): void {
    if (this.resolve !== undefined) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.end(), Math.max(0, ms));
    }
  }

  private end(): void {
    clearTimeout(this.timer);
    const resolve = this.resolve;
    this.timer = undefined;
    this.resolve = undefined;
    resolve?.();
  }
}
