// The last-good-weights policy of both backends: when a copy of params, Adam m and v is taken,
// when it counts as good, and what a divergence restores. Where the copies live (GPU buffers,
// typed arrays) is behind SnapshotSlots, so that the GPU and the CPU trainer share this code.
//
// A copy of the weights of step s (the state after s optimizer updates) is taken before step
// s + 1 when s is a multiple of `every`, and on a run's first step, so that a fresh run holds
// one from step 0 and a resumed one from where it resumed. The copy is good once the loss and
// the gradient norm of step s + 1, computed from those very weights, come back finite. A
// non-finite loss or norm marks the run diverged (a finite loss with an overflowed gradient
// would corrupt the update unseen); restoring loads the newest good copy and the run
// continues from its step.
// A step that failed on the GPU (an error scope caught an error) halts the run the same way,
// without being a divergence: its loss means nothing, and neither do the losses after it.

/**
 * Storage for a few snapshots of the training state. `Recording` is what a copy is recorded
 * into: the step's command encoder on the GPU, nothing on the CPU.
 */
export interface SnapshotSlots<Recording = void> {
  readonly count: number;
  /** Copies the live params, m and v into `slot`. */
  save(slot: number, into: Recording): void;
  /** Copies `slot` back into the live params, m and v. */
  load(slot: number): void;
}

export interface Divergence {
  step: number;
  loss: number;
  /** Set when the loss was finite and the step's gradient norm was not: the norm diverged. */
  gradNorm?: number;
}

const EMPTY = -1;

export class LastGoodSnapshots<Recording = void> {
  /** The step whose weights each slot holds, or EMPTY. */
  private readonly slotSteps: number[];
  private confirmedSlot = -1;
  private divergence: Divergence | null = null;
  /** The first step that failed on the GPU since the last restore, or null. */
  private failedStep: number | null = null;

  constructor(
    private readonly slots: SnapshotSlots<Recording>,
    readonly every: number,
  ) {
    // The confirmed copy is never overwritten, so a second slot is needed for the next one.
    if (slots.count < 2) throw new Error(`snapshots need at least 2 slots, got ${slots.count}`);
    if (!(every >= 1)) throw new Error(`snapshots are taken every ≥ 1 steps, got ${every}`);
    this.slotSteps = new Array<number>(slots.count).fill(EMPTY);
  }

  /** The first non-finite loss (or gradient norm) since the last restore, or null. */
  get diverged(): Divergence | null {
    return this.divergence;
  }

  /** Step of the newest confirmed snapshot, or -1. */
  get confirmedStep(): number {
    return this.confirmedSlot < 0 ? -1 : this.slotSteps[this.confirmedSlot];
  }

  /** The slot holding the newest confirmed snapshot and its step, or null. */
  get confirmed(): { slot: number; step: number } | null {
    return this.confirmedSlot < 0 ? null : { slot: this.confirmedSlot, step: this.slotSteps[this.confirmedSlot] };
  }

  /**
   * `step` failed on the GPU: until the next restore no loss confirms a copy (the copy
   * recorded with that step may never have been made, and later steps started from weights
   * the failed step may have left half-written).
   */
  reportFailedStep(step: number): void {
    if (this.failedStep === null || step < this.failedStep) this.failedStep = step;
  }

  /**
   * Call before the optimizer step that takes the weights from `step` to `step + 1`, while
   * the live weights are still those of `step`; on the GPU `into` is that step's encoder.
   */
  beforeStep(step: number, into: Recording): void {
    const holdsAny = this.slotSteps.some((s) => s !== EMPTY);
    if (holdsAny && step % this.every !== 0) return;
    if (this.confirmedStep === step) return; // just restored: that copy is already here
    // The oldest slot other than the confirmed one. Steps are pipelined on the GPU, so it may
    // hold a copy still waiting for its loss; that copy is given up, the confirmed one never.
    let slot = -1;
    this.slotSteps.forEach((s, i) => {
      if (i !== this.confirmedSlot && (slot < 0 || s < this.slotSteps[slot])) slot = i;
    });
    this.slots.save(slot, into);
    this.slotSteps[slot] = step;
  }

  /**
   * The loss of `step` came back (in step order), with the step's gradient norm when the
   * backend has it. Both finite confirm the copy of the weights they were computed from;
   * either non-finite marks the run diverged (the loss named first). Returns true when this
   * step is the one that diverged the run, so that the caller reports it once.
   */
  reportLoss(step: number, loss: number, gradNorm?: number): boolean {
    if (this.divergence || this.failedStep !== null) return false; // nothing after a divergence or a failed step counts as good
    if (!Number.isFinite(loss)) {
      this.divergence = { step, loss };
      return true;
    }
    if (gradNorm !== undefined && !Number.isFinite(gradNorm)) {
      this.divergence = { step, loss, gradNorm };
      return true;
    }
    const slot = this.slotSteps.indexOf(step - 1);
    if (slot >= 0) this.confirmedSlot = slot;
    return false;
  }

  /**
   * Loads the newest confirmed copy and clears the divergence. Returns the step the run
   * continues from, or -1 when there is no good copy (then nothing changes).
   */
  restore(): number {
    if (this.confirmedSlot < 0) return -1;
    const step = this.slotSteps[this.confirmedSlot];
    this.slots.load(this.confirmedSlot);
    // Copies newer than the restored one hold the weights that went bad.
    this.slotSteps.forEach((s, i) => {
      if (s > step) this.slotSteps[i] = EMPTY;
    });
    this.divergence = null;
    this.failedStep = null;
    return step;
  }

  /**
   * Drops every copy and the divergence or failure: the live weights were replaced from
   * elsewhere (a copy kept on the CPU), and the next step takes a fresh snapshot of them.
   */
  forget(): void {
    this.slotSteps.fill(EMPTY);
    this.confirmedSlot = -1;
    this.divergence = null;
    this.failedStep = null;
  }
}

/** Snapshot slots as copies of typed arrays: the CPU trainer's params, m and v. */
export class ArraySnapshotSlots<A extends Float32Array | Float64Array> implements SnapshotSlots {
  private readonly copies: A[][];

  constructor(
    private readonly live: readonly A[],
    readonly count = 2, // steps run one at a time: the confirmed copy and the next one
  ) {
    this.copies = Array.from({ length: count }, () => live.map((a) => a.slice() as A));
  }

  save(slot: number): void {
    this.live.forEach((a, i) => this.copies[slot][i].set(a));
  }

  load(slot: number): void {
    this.live.forEach((a, i) => a.set(this.copies[slot][i]));
  }
}
