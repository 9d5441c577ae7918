// Known-good copies of the weights on the GPU, so that a loss that turns NaN loses nothing but
// the steps since the last good copy. Every `every` steps the step's encoder also copies
// params, m and v into a spare slot (no readback, no wait). The copy taken after step s is
// confirmed once the loss of step s+1, computed from those very weights, comes back finite.
import type { Gpu } from '../gpu/device';
import type { ModelWeights, WeightKind } from '../model/weights';

const KINDS: WeightKind[] = ['params', 'm', 'v'];

interface Slot {
  buffers: Record<string, GPUBuffer>;
  step: number; // -1: empty
}

export class Snapshots {
  private slots: Slot[];
  private confirmed = -1; // index of the confirmed slot

  constructor(
    private readonly gpu: Gpu,
    private readonly weights: ModelWeights,
    readonly every = 50,
  ) {
    const bytes = weights.layout.totalElems * 4;
    const make = (label: string) => gpu.device.createBuffer({ label, size: bytes, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    // Three slots: the confirmed one, and two more because steps are pipelined: the copy
    // after step s+every may be recorded before the loss confirming step s comes back.
    this.slots = [0, 1, 2].map((i) => ({ buffers: Object.fromEntries(KINDS.map((k) => [k, make(`snapshot ${i} ${k}`)])), step: -1 }));
  }

  /** Step of the newest confirmed snapshot, or -1. */
  get confirmedStep(): number {
    return this.confirmed < 0 ? -1 : this.slots[this.confirmed].step;
  }

  /** Records a copy into the spare slot if `step` is due; call after the optimizer pass. */
  maybeCopy(enc: GPUCommandEncoder, step: number): void {
    if (step % this.every !== 0) return;
    // The oldest slot that is not the confirmed one.
    let i = -1;
    this.slots.forEach((s, j) => {
      if (j !== this.confirmed && (i < 0 || s.step < this.slots[i].step)) i = j;
    });
    const bytes = this.weights.layout.totalElems * 4;
    for (const k of KINDS) enc.copyBufferToBuffer(this.weights.buffers[k], 0, this.slots[i].buffers[k], 0, bytes);
    this.slots[i].step = step;
  }

  /** A finite loss came back for `step`: the snapshot taken after step - 1 is good. */
  lossOk(step: number): void {
    const j = this.slots.findIndex((s) => s.step === step - 1);
    if (j >= 0) this.confirmed = j;
  }

  /** Copies the confirmed snapshot back into the weights; returns its step, or -1 if none. */
  restore(): number {
    if (this.confirmed < 0) return -1;
    const slot = this.slots[this.confirmed];
    const enc = this.gpu.device.createCommandEncoder({ label: 'restore snapshot' });
    const bytes = this.weights.layout.totalElems * 4;
    for (const k of KINDS) enc.copyBufferToBuffer(slot.buffers[k], 0, this.weights.buffers[k], 0, bytes);
    this.gpu.device.queue.submit([enc.finish()]);
    // Snapshots newer than the restored one hold the weights that went bad.
    this.slots.forEach((s, j) => {
      if (j !== this.confirmed && s.step > slot.step) s.step = -1;
    });
    return slot.step;
  }

  destroy(): void {
    for (const s of this.slots) for (const b of Object.values(s.buffers)) b.destroy();
  }
}
