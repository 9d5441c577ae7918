// half.wgsl: f32 values packed into half-precision words (two per u32), for matmul operands
// stored in f16 (see matmul.ts, MatmulForwardOptions.halfWeight).
import type { Gpu } from '../gpu/device';
import { ceilDiv, createUniform, grid1d, makeDispatch, type Dispatch } from '../gpu/dispatch';
import { expectDtype, numel, type Tensor } from '../gpu/tensor';
import { shaderSource } from './shaders';

const shader = shaderSource('half.wgsl');
const WG = 256;

export { halfBytes } from '../../core/allocations';

/**
 * words (u32, ⌈n/2⌉) = src (f32, n) in binary16, two per word, element i in word i/2 (low
 * half when i is even). `words` is a whole buffer or a view of one.
 */
export function packHalf(gpu: Gpu, words: Tensor, src: Tensor): Promise<Dispatch> {
  expectDtype('packHalf', src, 'f32');
  expectDtype('packHalf', words, 'u32');
  const n = numel(src.shape);
  if (numel(words.shape) !== Math.ceil(n / 2)) {
    throw new RangeError(`packHalf: ${n} values need ${Math.ceil(n / 2)} words, ${words.label} has ${numel(words.shape)}`);
  }
  const u = createUniform(gpu, 'pack_f16.params', [['u32', n]]);
  return makeDispatch(gpu, 'pack_f16', { shader, entryPoint: 'pack_f16', constants: { WG } },
    [words, src, u], grid1d(gpu, ceilDiv(Math.ceil(n / 2), WG)));
}
