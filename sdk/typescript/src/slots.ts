/** A counting semaphore: at most `free` handlers hold a slot at once; the others wait in order. */
export class Slots {
  private readonly waiting: Array<() => void> = [];

  constructor(private free: number) {}

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot to the longest waiter, or frees it. */
  give(): void {
    const next = this.waiting.shift();
    if (next !== undefined) {
      next();
    } else {
      this.free += 1;
    }
  }
}
