// A buffer arena: plan every tensor first (name, shape), then allocate once and destroy
// together. Every tensor gets a buffer of its own: WebGPU validates usage per buffer, not per
// range, so one dispatch may not bind the same buffer as read-only and as read-write storage,
// even at disjoint offsets, and activations are read by the kernels that write their
// neighbours. (The flat parameter, gradient and Adam buffers are not arenas: model/weights.ts.)
import { tensorBytes } from '../../core/activations';
import type { Gpu } from './device';
import type { LedgerScope } from './ledger';
import type { DType, Tensor } from './tensor';
import { byteSize } from './tensor';

export interface ArenaLimits {
  maxBindingSize: number; // maxStorageBufferBindingSize
}

export function arenaLimitsOf(device: GPUDevice): ArenaLimits {
  return { maxBindingSize: device.limits.maxStorageBufferBindingSize };
}

type PlannedTensor = { -readonly [K in keyof Tensor]: Tensor[K] };

export class BufferArena {
  private planned: PlannedTensor[] = [];
  private buffers: GPUBuffer[] = [];
  /** The owner the buffers are charged to, set by allocate(). */
  private scope: LedgerScope | null = null;

  constructor(
    readonly label: string,
    private readonly limits: ArenaLimits,
    private readonly usage: GPUBufferUsageFlags = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  ) {}

  /** Plans a view; its `buffer` is filled in by allocate(). */
  add(label: string, shape: readonly number[], dtype: DType = 'f32'): Tensor {
    if (this.buffers.length) throw new Error(`arena ${this.label} is already allocated`);
    const bytes = byteSize({ shape });
    if (bytes === 0) throw new Error(`tensor ${label} is empty`);
    if (bytes > this.limits.maxBindingSize) {
      throw new RangeError(
        `tensor ${label} needs ${bytes} bytes, more than this device can bind (${this.limits.maxBindingSize})`,
      );
    }
    const tensor: PlannedTensor = { label, shape: [...shape], dtype, offset: 0, buffer: undefined as unknown as GPUBuffer };
    this.planned.push(tensor);
    return tensor;
  }

  /** Total bytes the plan needs, each buffer padded to 16 bytes (tensorBytes, as the estimate counts). */
  get bytes(): number {
    return this.planned.reduce((s, t) => s + tensorBytes(t.shape), 0);
  }

  /** Creates the buffers, charged to `gpu`'s scope, and binds every planned view to its own. */
  allocate(gpu: Gpu): this {
    const scope = gpu.buffers;
    this.scope = scope;
    this.buffers = this.planned.map((t, i) =>
      scope.create({
        label: this.planned.length > 1 ? `${this.label}[${i}]` : this.label,
        size: tensorBytes(t.shape),
        usage: this.usage,
      }),
    );
    this.planned.forEach((t, i) => (t.buffer = this.buffers[i]));
    return this;
  }

  destroy(): void {
    for (const b of this.buffers) this.scope?.destroy(b);
    this.buffers = [];
  }
}
