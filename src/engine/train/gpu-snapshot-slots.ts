// Snapshot slots in GPU buffers: a copy of params, m and v is recorded into the step's own
// command encoder (no readback, no wait), and loaded back with one small submit.
import type { Gpu } from '../gpu/device';
import type { ModelWeights, WeightKind } from '../model/weights';
import type { SnapshotSlots } from './last-good';

/** What a snapshot holds: everything the optimizer carries from one step to the next. */
type SnapshotKind = Exclude<WeightKind, 'grads'>;
const KINDS: SnapshotKind[] = ['params', 'm', 'v'];

export class GpuSnapshotSlots implements SnapshotSlots<GPUCommandEncoder> {
  private readonly buffers: Record<SnapshotKind, GPUBuffer>[];
  private readonly bytes: number;

  constructor(
    private readonly gpu: Gpu,
    private readonly weights: ModelWeights,
    // Steps are pipelined: the copy before step s + 1 may be recorded before the loss that
    // confirms the previous copy comes back, so a third slot keeps that one alive meanwhile.
    readonly count = 3,
  ) {
    this.bytes = weights.layout.totalElems * 4;
    const make = (label: string) => gpu.device.createBuffer({ label, size: this.bytes, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    this.buffers = Array.from({ length: count }, (_, i) => ({
      params: make(`snapshot ${i} params`),
      m: make(`snapshot ${i} m`),
      v: make(`snapshot ${i} v`),
    }));
  }

  save(slot: number, enc: GPUCommandEncoder): void {
    for (const k of KINDS) enc.copyBufferToBuffer(this.weights.buffers[k], 0, this.buffers[slot][k], 0, this.bytes);
  }

  load(slot: number): void {
    const enc = this.gpu.device.createCommandEncoder({ label: 'restore snapshot' });
    for (const k of KINDS) enc.copyBufferToBuffer(this.buffers[slot][k], 0, this.weights.buffers[k], 0, this.bytes);
    this.gpu.device.queue.submit([enc.finish()]);
  }

  destroy(): void {
    for (const slot of this.buffers) for (const b of Object.values(slot)) b.destroy();
  }
}
