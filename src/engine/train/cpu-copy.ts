// The last good training state, kept on the CPU too. GPU buffers die with their device, so a
// run can come back on a new device only from a copy outside it. The copy starts as the state
// the trainer was created from (the initial weights at step 0, or a resumed run's), follows
// each confirmed GPU snapshot by reading it back in the background (the training loop never
// waits for it), and takes any newer state read back for other reasons (the autosave).

/** Everything the optimizer carries from one step to the next, and the step it belongs to. */
export interface TrainingState {
  step: number;
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

const allFinite = (a: Float32Array): boolean => {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
};

export class CpuCopyOfLastGood {
  private copy: TrainingState;
  private reading = false;
  private stopped = false;

  constructor(
    initial: TrainingState,
    /** The newest confirmed GPU snapshot: its slot and step, or null. */
    private readonly confirmed: () => { slot: number; step: number } | null,
    /** Reads a snapshot slot back to the CPU. */
    private readonly readSlot: (slot: number) => Promise<Omit<TrainingState, 'step'>>,
  ) {
    this.copy = initial;
  }

  /** The newest good state held on the CPU. */
  get latest(): TrainingState {
    return this.copy;
  }

  /**
   * A snapshot may have been confirmed: reads the newest confirmed one back unless the copy
   * is as new. One read at a time; when it ends, a snapshot confirmed meanwhile is read next.
   */
  refresh(): void {
    if (this.reading || this.stopped) return;
    const target = this.confirmed();
    if (!target || target.step <= this.copy.step) return;
    this.reading = true;
    this.readSlot(target.slot).then(
      (state) => {
        this.reading = false;
        if (target.step > this.copy.step) this.copy = { step: target.step, ...state };
        this.refresh();
      },
      () => {
        // The device was lost or the trainer destroyed during the read: the older copy
        // stays, and no new read is started from here (it would fail the same way).
        this.reading = false;
      },
    );
  }

  /**
   * A state read back for another reason (a save): kept when it is newer than the copy and
   * entirely finite. The caller vouches that the run had not failed or diverged.
   */
  offer(state: TrainingState): void {
    if (state.step <= this.copy.step) return;
    if (![state.params, state.m, state.v].every(allFinite)) return;
    this.copy = state;
  }

  /** No more reads: the trainer's buffers are being destroyed. */
  stop(): void {
    this.stopped = true;
  }
}
