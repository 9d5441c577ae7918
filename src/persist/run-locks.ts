// Which tab has a saved run open: one Web Lock per run ("gpt-playground-run:<id>"), held by
// the tab that has the run open for as long as it has it open. The browser lets a lock go
// when its tab closes or navigates away, so a crashed tab cannot keep a run forever.
// Browsers without the Web Locks API get locks that always succeed: tabs are then not told
// about each other, and the store's revision check is what keeps a save from overwriting.
export const RUN_LOCK_PREFIX = 'gpt-playground-run:';

export const runLockName = (runId: string): string => `${RUN_LOCK_PREFIX}${runId}`;

/** This tab's hold on one run. */
export interface RunLock {
  readonly runId: string;
  /**
   * Lets the run go (this tab opened another one); resolves once another tab can take it.
   * Calling it again does nothing more.
   */
  release(): Promise<void>;
}

/** Told when another tab took the run over (stole its lock): this tab no longer owns it. */
export type OnRunLost = (runId: string) => void;

const browserLocks = (): LockManager | null => (typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null);

export class RunLocks {
  constructor(private readonly manager: LockManager | null = browserLocks()) {}

  /** False where the browser has no Web Locks: every hold succeeds and nothing is ever lost. */
  get coordinated(): boolean {
    return this.manager !== null;
  }

  /**
   * Holds the run's lock if no tab does; null when another tab (or this one) already holds it.
   * With `waitMs`, waits that long for it to come free first: a reloading tab's old page may
   * not have let go of its run yet when the new page asks for it.
   */
  tryHold(runId: string, onLost: OnRunLost, waitMs = 0): Promise<RunLock | null> {
    const options: LockOptions = waitMs > 0 ? { signal: AbortSignal.timeout(waitMs) } : { ifAvailable: true };
    return this.hold(runId, options, onLost);
  }

  /** Takes the run's lock from whichever tab holds it: that tab's `onLost` runs. */
  async takeOver(runId: string, onLost: OnRunLost): Promise<RunLock> {
    const lock = await this.hold(runId, { steal: true }, onLost);
    if (!lock) throw new Error(`Could not take over the run ${runId}.`); // steal is always granted
    return lock;
  }

  /** The runs some tab (this one included) holds now, for marking the list of saved runs. */
  async heldRunIds(): Promise<Set<string>> {
    if (!this.manager) return new Set();
    const { held = [] } = await this.manager.query();
    const names = held.map((l) => l.name ?? '').filter((n) => n.startsWith(RUN_LOCK_PREFIX));
    return new Set(names.map((n) => n.slice(RUN_LOCK_PREFIX.length)));
  }

  private hold(runId: string, options: LockOptions, onLost: OnRunLost): Promise<RunLock | null> {
    const manager = this.manager;
    if (!manager) return Promise.resolve({ runId, release: () => Promise.resolve() });
    return new Promise((resolve, reject) => {
      let granted = false;
      let releasedHere = false;
      let letGo!: () => void;
      // The lock is held until this promise settles: release() settles it.
      const holding = new Promise<void>((r) => (letGo = r));
      const settled = manager
        .request(runLockName(runId), options, (lock) => {
          if (!lock) {
            resolve(null);
            return undefined;
          }
          granted = true;
          resolve({
            runId,
            release: () => {
              releasedHere = true;
              letGo();
              return settled;
            },
          });
          return holding;
        })
        .then(
          () => undefined,
          (e: unknown) => {
            // Before the grant: the wait timed out (held elsewhere), or the request itself
            // failed. After it, a rejection that we did not cause by releasing means another
            // tab stole the lock (an AbortError).
            if (!granted && options.signal?.aborted) resolve(null);
            else if (!granted) reject(e);
            else if (!releasedHere) onLost(runId);
          },
        );
    });
  }
}
