// The model's flat memory on the GPU, after llm.c: ONE buffer each for parameters,
// gradients and Adam's m and v, all with the layout of paramLayout (offsets aligned to 256
// bytes, decayed tensors first). Zero-grad is one clear; AdamW is one dispatch.
import type { Gpu } from '../gpu/device';
import type { Tensor } from '../gpu/tensor';
import type { GPTConfig } from '../../core/config';
import { paramLayout, type ParamLayout } from '../../core/params';
import { readBuffer } from '../gpu/readback';

export type WeightKind = 'params' | 'grads' | 'm' | 'v';

export class ModelWeights {
  readonly layout: ParamLayout;
  readonly buffers: Record<WeightKind, GPUBuffer>;
  private views: Record<WeightKind, Map<string, Tensor>>;
  /** Each buffer as a single tensor, for the whole-buffer kernels (norm, AdamW). */
  readonly flat: Record<WeightKind, Tensor>;
  /** The weights' own scope of the device: destroy() frees everything made through it. */
  readonly gpu: Gpu;

  constructor(
    gpu: Gpu,
    readonly config: GPTConfig,
  ) {
    this.gpu = gpu.scope('weights');
    this.layout = paramLayout(config, 256);
    const bytes = this.layout.totalElems * 4;
    if (bytes > gpu.limits.maxStorageBufferBindingSize) {
      throw new RangeError(
        `the parameters need ${bytes} bytes in one buffer; this device binds at most ${gpu.limits.maxStorageBufferBindingSize}`,
      );
    }
    const make = (kind: WeightKind) =>
      this.gpu.buffers.create({
        label: kind,
        size: bytes,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
    this.buffers = { params: make('params'), grads: make('grads'), m: make('m'), v: make('v') };
    this.views = { params: new Map(), grads: new Map(), m: new Map(), v: new Map() };
    this.flat = {} as Record<WeightKind, Tensor>;
    for (const kind of ['params', 'grads', 'm', 'v'] as const) {
      for (const e of this.layout.entries) {
        this.views[kind].set(e.name, { label: `${kind}:${e.name}`, shape: e.shape, dtype: 'f32', offset: e.offset * 4, buffer: this.buffers[kind] });
      }
      this.flat[kind] = { label: kind, shape: [this.layout.totalElems], dtype: 'f32', offset: 0, buffer: this.buffers[kind] };
    }
  }

  /** The view of one tensor by its state_dict name. */
  get(kind: WeightKind, name: string): Tensor {
    const t = this.views[kind].get(name);
    if (!t) throw new Error(`no parameter ${name}`);
    return t;
  }

  has(name: string): boolean {
    return this.layout.byName.has(name);
  }

  /** Writes a whole flat buffer (e.g. the initial parameters; zeros for m and v). */
  write(kind: WeightKind, data: Float32Array): void {
    if (data.length !== this.layout.totalElems) throw new Error(`${kind}: ${data.length} values for ${this.layout.totalElems}`);
    this.gpu.device.queue.writeBuffer(this.buffers[kind], 0, data.buffer, data.byteOffset, data.byteLength);
  }

  /** Reads a whole flat buffer back (not for the training loop: it waits for the GPU). */
  async read(kind: WeightKind): Promise<Float32Array> {
    return new Float32Array(await readBuffer(this.gpu, this.buffers[kind], 0, this.layout.totalElems * 4));
  }

  destroy(): void {
    this.gpu.buffers.destroyAll();
  }
}
