// A half-precision copy of the parameters for inference: the whole flat parameter buffer
// packed into binary16 (half.wgsl), two values per word, with the same element offsets. The
// linear layers read their weights from it (half the bytes); biases, LayerNorm and the
// embedding keep reading the f32 parameters. `pack` refreshes the copy from the f32
// parameters: record it before any forward that follows a change of the weights.
import type { Gpu } from '../gpu/device';
import type { Dispatch } from '../gpu/dispatch';
import { halfBytes } from '../../core/allocations';
import { packHalf } from '../kernels/half';
import type { HalfView } from '../kernels/matmul';
import type { ModelWeights } from './weights';

export class HalfWeights {
  private constructor(
    /** The copy's own scope of the device: the packed buffer and the packing's uniform. */
    readonly gpu: Gpu,
    readonly weights: ModelWeights,
    readonly buffer: GPUBuffer,
    /** Packs the current f32 parameters into `buffer`. */
    readonly pack: Dispatch,
  ) {}

  static async create(gpu: Gpu, weights: ModelWeights): Promise<HalfWeights> {
    const own = gpu.scope('f16 weights');
    const n = weights.layout.totalElems;
    try {
      const buffer = own.buffers.create({ label: 'params f16', size: halfBytes(n), usage: GPUBufferUsage.STORAGE });
      const words = { label: 'params f16', shape: [Math.ceil(n / 2)], dtype: 'u32' as const, offset: 0, buffer };
      return new HalfWeights(own, weights, buffer, await packHalf(own, words, weights.flat.params));
    } catch (e) {
      own.buffers.destroyAll();
      throw e;
    }
  }

  /** Where parameter `name` starts in the packed buffer. */
  view(name: string): HalfView {
    const e = this.weights.layout.byName.get(name);
    if (!e) throw new Error(`no parameter ${name}`);
    return { buffer: this.buffer, elemOffset: e.offset };
  }

  get bytes(): number {
    return this.buffer.size;
  }

  destroy(): void {
    this.gpu.buffers.destroyAll();
  }
}
