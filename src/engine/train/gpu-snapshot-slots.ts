// Snapshot slots in GPU buffers: a copy of params, m and v is recorded into the step's own
// command encoder (no readback, no wait), and loaded back with one small submit.
import type { Gpu } from '../gpu/device';
import type { ModelWeights, WeightKind } from '../model/weights';
import type { SnapshotSlots } from './last-good';
import { readBuffer } from '../gpu/readback';
import { SNAPSHOT_KINDS, SNAPSHOT_SLOTS } from '../../core/allocations';

/** What a snapshot holds: everything the optimizer carries from one step to the next. */
type SnapshotKind = Exclude<WeightKind, 'grads'>;
const KINDS: readonly SnapshotKind[] = SNAPSHOT_KINDS;

export class GpuSnapshotSlots implements SnapshotSlots<GPUCommandEncoder> {
  private readonly buffers: Record<SnapshotKind, GPUBuffer>[];
  private readonly bytes: number;
  /** The slots' own scope of the device. */
  private readonly gpu: Gpu;

  constructor(
    gpu: Gpu,
    private readonly weights: ModelWeights,
    // Why three: see SNAPSHOT_SLOTS.
    readonly count = SNAPSHOT_SLOTS,
  ) {
    this.gpu = gpu.scope('last-good snapshots');
    this.bytes = weights.layout.totalElems * 4;
    const make = (label: string) => this.gpu.buffers.create({ label, size: this.bytes, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
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

  /**
   * Reads `slot` back to the CPU. The copies are submitted before this returns, so a later
   * step that overwrites the slot is ordered after them and cannot change what is read.
   */
  read(slot: number): Promise<Record<SnapshotKind, Float32Array>> {
    const reads = KINDS.map((k) => readBuffer(this.gpu, this.buffers[slot][k], 0, this.bytes).then((b) => new Float32Array(b)));
    return Promise.all(reads).then(([params, m, v]) => ({ params, m, v }));
  }

  destroy(): void {
    this.gpu.buffers.destroyAll();
  }
}
