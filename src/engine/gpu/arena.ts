// A buffer arena: plan every tensor first (name, shape), then allocate once. Views are
// aligned to minStorageBufferOffsetAlignment so any of them can be bound on its own. When the
// plan exceeds one buffer's limit it is split over several buffers; a single tensor never is.
import type { DType, Tensor } from './tensor';
import { byteSize } from './tensor';

export interface ArenaLimits {
  alignment: number; // minStorageBufferOffsetAlignment
  maxBufferSize: number;
  maxBindingSize: number; // maxStorageBufferBindingSize
}

export function arenaLimitsOf(device: GPUDevice): ArenaLimits {
  return {
    alignment: device.limits.minStorageBufferOffsetAlignment,
    maxBufferSize: device.limits.maxBufferSize,
    maxBindingSize: device.limits.maxStorageBufferBindingSize,
  };
}

export const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

interface Planned {
  tensor: { -readonly [K in keyof Tensor]: Tensor[K] };
  chunk: number;
}

export class BufferArena {
  private planned: Planned[] = [];
  private chunkSizes: number[] = [0];
  private buffers: GPUBuffer[] = [];
  private wholeBuffer = false;
  private separate = false;

  /**
   * @param whole when true the arena must be one buffer that fits one binding (the flat
   *   parameter, gradient and Adam buffers, which AdamW binds whole).
   * @param separate when true every tensor gets a buffer of its own. WebGPU validates usage
   *   per buffer, not per range: one dispatch may not bind the same buffer as read-only and as
   *   read-write storage, even at disjoint offsets. Activations are read by the kernel that
   *   writes their neighbours, so they need this.
   */
  constructor(
    readonly label: string,
    private readonly limits: ArenaLimits,
    private readonly usage: GPUBufferUsageFlags = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    opts: { whole?: boolean; separate?: boolean } = {},
  ) {
    this.wholeBuffer = opts.whole ?? false;
    this.separate = opts.separate ?? false;
    if (this.wholeBuffer && this.separate) throw new Error('an arena cannot be both whole and separate');
  }

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
    let chunk = this.chunkSizes.length - 1;
    let offset = alignUp(this.chunkSizes[chunk], this.limits.alignment);
    const cap = this.wholeBuffer ? Math.min(this.limits.maxBufferSize, this.limits.maxBindingSize) : this.limits.maxBufferSize;
    if (this.separate && this.planned.length > 0) {
      this.chunkSizes.push(0);
      chunk++;
      offset = 0;
    } else if (offset + bytes > cap) {
      if (this.wholeBuffer) {
        throw new RangeError(`arena ${this.label} exceeds one buffer binding (${cap} bytes) at tensor ${label}`);
      }
      this.chunkSizes.push(0);
      chunk++;
      offset = 0;
    }
    this.chunkSizes[chunk] = offset + bytes;
    const tensor = { label, shape: [...shape], dtype, offset, buffer: undefined as unknown as GPUBuffer };
    this.planned.push({ tensor, chunk });
    return tensor;
  }

  /** Total bytes the plan needs, padding included. */
  get bytes(): number {
    return this.chunkSizes.reduce((s, c) => s + alignUp(c, 16), 0);
  }

  get tensors(): readonly Tensor[] {
    return this.planned.map((p) => p.tensor);
  }

  /** Creates the buffer(s) and binds every planned view to its buffer. */
  allocate(device: GPUDevice): this {
    this.buffers = this.chunkSizes.map((size, i) =>
      device.createBuffer({
        label: this.chunkSizes.length > 1 ? `${this.label}[${i}]` : this.label,
        size: Math.max(16, alignUp(size, 16)),
        usage: this.usage,
      }),
    );
    for (const p of this.planned) p.tensor.buffer = this.buffers[p.chunk];
    return this;
  }

  /** The single buffer of a `whole` arena. */
  get buffer(): GPUBuffer {
    if (this.buffers.length !== 1) throw new Error(`arena ${this.label} is not one allocated buffer`);
    return this.buffers[0];
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
    this.buffers = [];
  }
}
