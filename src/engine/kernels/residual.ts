// residual.wgsl: out = a + b, and the backward's accumulate x += y.
import type { Gpu } from '../gpu/device';
import { ceilDiv, createUniform, grid1d, makeDispatch, type Dispatch } from '../gpu/dispatch';
import { expectShape, numel, type Tensor } from '../gpu/tensor';
import { shaderSource } from './shaders';

const shader = shaderSource('residual.wgsl');
const WG = 256;

/** out = a + b, all of one shape. */
export function residualForward(gpu: Gpu, out: Tensor, a: Tensor, b: Tensor): Promise<Dispatch> {
  expectShape('residualForward', a, out.shape);
  expectShape('residualForward', b, out.shape);
  const n = numel(out.shape);
  const u = createUniform(gpu, 'residual.params', [['u32', n]]);
  return makeDispatch(gpu, 'residual_forward', { shader, entryPoint: 'residual_forward', constants: { WG } },
    [out, a, b, u], grid1d(gpu, ceilDiv(n, WG)));
}

/** x += y (the backward of a residual: the gradient flows into both branches). */
export function residualAccumulate(gpu: Gpu, x: Tensor, y: Tensor): Promise<Dispatch> {
  expectShape('residualAccumulate', y, x.shape);
  const n = numel(x.shape);
  const u = createUniform(gpu, 'residual.params', [['u32', n]]);
  return makeDispatch(gpu, 'residual_accumulate', { shader, entryPoint: 'residual_accumulate', constants: { WG } },
    [x, y, null, u], grid1d(gpu, ceilDiv(n, WG)));
}
