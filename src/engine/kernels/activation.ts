// activation.wgsl: GELU (GPT-2's tanh form) and ReLU, forward and backward, elementwise.
import type { Gpu } from '../gpu/device';
import { ceilDiv, createUniform, grid1d, makeDispatch, type Dispatch } from '../gpu/dispatch';
import { shaderSource } from './shaders';
import { expectDtype, expectShape, numel, type Tensor } from '../gpu/tensor';

const shader = shaderSource('activation.wgsl');
const WG = 256;

function elementwise(
  gpu: Gpu,
  entryPoint: string,
  dst: Tensor,
  inp: Tensor,
  dout: Tensor | null,
): Promise<Dispatch> {
  for (const t of [dst, inp, ...(dout ? [dout] : [])]) {
    expectShape(entryPoint, t, dst.shape);
    expectDtype(entryPoint, t, 'f32');
  }
  const n = numel(dst.shape);
  const u = createUniform(gpu, 'activation.params', [['u32', n]]);
  return makeDispatch(gpu, entryPoint, { shader, entryPoint, constants: { WG } }, [dst, inp, dout, u],
    grid1d(gpu, ceilDiv(n, WG)));
}

/** out = gelu(inp) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), any shape. */
export function geluForward(gpu: Gpu, out: Tensor, inp: Tensor): Promise<Dispatch> {
  return elementwise(gpu, 'gelu_forward', out, inp, null);
}

/** dinp = gelu'(inp)·dout (overwritten). */
export function geluBackward(gpu: Gpu, dinp: Tensor, inp: Tensor, dout: Tensor): Promise<Dispatch> {
  return elementwise(gpu, 'gelu_backward', dinp, inp, dout);
}

/** out = max(inp, 0). */
export function reluForward(gpu: Gpu, out: Tensor, inp: Tensor): Promise<Dispatch> {
  return elementwise(gpu, 'relu_forward', out, inp, null);
}

/** dinp = dout where inp > 0, else 0 (overwritten). */
export function reluBackward(gpu: Gpu, dinp: Tensor, inp: Tensor, dout: Tensor): Promise<Dispatch> {
  return elementwise(gpu, 'relu_backward', dinp, inp, dout);
}
