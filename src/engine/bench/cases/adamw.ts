// Benchmark cases for the optimizer step: the global gradient norm (gradnorm.wgsl, two
// dispatches) and AdamW (adamw.wgsl) over flat buffers of a small GPT's parameter count.
// Both are memory-bound, so they report bytes moved.
import type { BenchCase } from '../types';
import type { Gpu } from '../../gpu/device';
import type { Tensor } from '../../gpu/tensor';
import { Rng } from '../../../core/rng';
import { gradNorm, gradNormPartialsLength } from '../../kernels/gradnorm';
import { adamwUpdate } from '../../kernels/adamw';

const SIZES: [label: string, n: number][] = [
  ['1e5', 1e5],
  ['1e6', 1e6],
  ['4e6', 4e6],
];

// One buffer per tensor, as in the trainer: params, grads, m and v are separate buffers, and
// a buffer bound read-write cannot share a dispatch with a read-only binding of itself.
function tensor(gpu: Gpu, label: string, n: number, rng: Rng | null, scale = 1): Tensor {
  const buffer = gpu.device.createBuffer({ label, size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  if (rng) {
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = rng.uniform(-scale, scale);
    gpu.device.queue.writeBuffer(buffer, 0, data);
  }
  return { label, shape: [n], dtype: 'f32', offset: 0, buffer };
}

const destroyAll = (ts: Tensor[]) => () => ts.forEach((t) => t.buffer.destroy());

export const cases: BenchCase[] = SIZES.flatMap(([size, n]): BenchCase[] => [
  {
    kernel: 'gradnorm',
    size,
    async setup(gpu) {
      const P = gradNormPartialsLength(gpu, n);
      const grads = tensor(gpu, 'grads', n, new Rng(1), 1e-3);
      const partials = tensor(gpu, 'partials', P, null);
      const norm = tensor(gpu, 'norm', 2, null);
      const dispatches = await gradNorm(gpu, norm, grads, partials, { maxNorm: 1 });
      // read grads; write and read back the partials; write the norm and scale
      return { dispatches, bytes: 4 * (n + 2 * P + 2), dispose: destroyAll([grads, partials, norm]) };
    },
  },
  {
    kernel: 'adamw_update',
    size,
    async setup(gpu) {
      const rng = new Rng(2);
      const params = tensor(gpu, 'params', n, rng, 0.1);
      const grads = tensor(gpu, 'grads', n, rng, 1e-3);
      const m = tensor(gpu, 'm', n, null);
      const v = tensor(gpu, 'v', n, null);
      const norm = tensor(gpu, 'norm', 2, null);
      gpu.device.queue.writeBuffer(norm.buffer, 0, Float32Array.of(1, 1));
      const adamw = await adamwUpdate(gpu, params, grads, m, v, norm, { decayEnd: Math.floor(0.9 * n) });
      adamw.setHyper({ lr: 1e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, step: 1 });
      // read params, grads, m, v; write params, m, v (the 2-float norm is negligible)
      return { dispatches: [adamw.dispatch], bytes: 4 * 7 * n, dispose: destroyAll([params, grads, m, v, norm]) };
    },
  },
]);
