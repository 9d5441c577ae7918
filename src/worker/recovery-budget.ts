// How often the worker replaces a lost GPU device by itself. A device that keeps getting lost
// (a driver resetting again and again, another tab taking the memory) is not helped by asking
// again: past the budget the worker stops and says what to do instead.

export class RecoveryBudget {
  private attempts: number[] = [];

  constructor(
    /** Automatic recoveries allowed within `windowMs`. */
    readonly max = 3,
    readonly windowMs = 60_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Counts one automatic recovery; false when `max` were already made within the window. */
  take(): boolean {
    const t = this.now();
    this.attempts = this.attempts.filter((a) => t - a < this.windowMs);
    if (this.attempts.length >= this.max) return false;
    this.attempts.push(t);
    return true;
  }

  /** Recoveries counted within the window. */
  get recent(): number {
    const t = this.now();
    return this.attempts.filter((a) => t - a < this.windowMs).length;
  }
}
