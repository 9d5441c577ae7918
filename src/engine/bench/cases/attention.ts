// Benchmark cases for attention.wgsl at sizes of the small GPTs the playground trains.
//
// FLOP counts are those of the work a causal kernel actually has to do: the T(T+1)/2
// query-key pairs on or below the diagonal, not all T² (so causal and unmasked runs of the
// same size are comparable per useful flop). Per pair and head channel:
//   forward  = 2 (q·k) + 2 (p·v)                                   = 4 flops
//   backward = 2 (q·k recomputed) + 2 (dP) + 2 (dq) + 2 (dk) + 2 (dv) = 10 flops
// The dk|dv pass recomputes q·k and dP a second time; that is not counted.
import type { BenchCase, BenchSetup } from '../types';
import type { Gpu } from '../../gpu/device';
import { recordPass } from '../../gpu/dispatch';
import { numel, type Tensor } from '../../gpu/tensor';
import { Rng } from '../../../core/rng';
import { createTensor } from '../../testing/gpu';
import { attentionBackward, attentionForward, attentionProbs } from '../../kernels/attention';
import type { KernelConfig } from '../../kernels/config';

export interface AttentionSize {
  B: number;
  T: number;
  C: number;
  NH: number;
}

type Size = AttentionSize;

const SIZES: Size[] = [
  { B: 16, T: 64, C: 64, NH: 4 }, // the reference model: B·T = 1024, hs 16
  { B: 8, T: 64, C: 128, NH: 4 }, // B·T = 512, hs 32
  { B: 4, T: 256, C: 256, NH: 4 }, // B·T = 1024, hs 64
];

const sizeLabel = (s: Size) => `B${s.B} T${s.T} C${s.C} NH${s.NH}`;
const causalPairs = (T: number) => (T * (T + 1)) / 2;

interface Buffers {
  qkv: Tensor;
  out: Tensor;
  lse: Tensor;
  dout: Tensor;
  dqkv: Tensor;
  scratchD: Tensor;
}

// Each tensor in its own buffer: one buffer bound both read-only and writable in a dispatch
// is a WebGPU usage conflict, whatever the offsets.
function allocate(gpu: Gpu, s: Size): Buffers {
  const { B, T, C, NH } = s;
  const t: Buffers = {
    qkv: createTensor(gpu, 'qkv', [B, T, 3 * C]),
    out: createTensor(gpu, 'out', [B, T, C]),
    lse: createTensor(gpu, 'lse', [B, NH, T]),
    dout: createTensor(gpu, 'dout', [B, T, C]),
    dqkv: createTensor(gpu, 'dqkv', [B, T, 3 * C]),
    scratchD: createTensor(gpu, 'scratchD', [B, NH, T]),
  };
  const rng = new Rng(1);
  for (const x of [t.qkv, t.dout]) {
    const data = new Float32Array(numel(x.shape));
    for (let i = 0; i < data.length; i++) data[i] = rng.normal();
    gpu.device.queue.writeBuffer(x.buffer, x.offset, data);
  }
  return t;
}

const destroy = (...ts: Tensor[]) => ts.forEach((t) => t.buffer.destroy());

/** Runs the forward once so that the backward and probs read a real out and lse. */
async function primeForward(gpu: Gpu, kernelConfig: KernelConfig, b: Buffers, nHead: number): Promise<void> {
  const enc = gpu.device.createCommandEncoder();
  recordPass(enc, await attentionForward(gpu, kernelConfig, b.out, b.lse, b.qkv, { nHead, causal: true }));
  gpu.device.queue.submit([enc.finish()]);
  await gpu.device.queue.onSubmittedWorkDone();
}

/** `staged` forces workgroup-memory staging on or off (the default is the kernel configuration's, by head size). */
const variant = (kernel: string, staged?: boolean) => (staged === undefined ? kernel : `${kernel} ${staged ? 'staged' : 'direct'}`);

function forwardCase(s: Size, staged?: boolean): BenchCase {
  return {
    kernel: variant('attention_forward', staged),
    size: sizeLabel(s),
    baseline: staged === undefined ? undefined : `attention_forward ${sizeLabel(s)}`,
    async setup(gpu: Gpu, kernelConfig: KernelConfig): Promise<BenchSetup> {
      const b = allocate(gpu, s);
      const dispatches = await attentionForward(gpu, kernelConfig, b.out, b.lse, b.qkv, { nHead: s.NH, causal: true, staged });
      const hs = s.C / s.NH;
      return { dispatches, flops: 4 * s.B * s.NH * causalPairs(s.T) * hs, dispose: () => destroy(...Object.values(b)) };
    },
  };
}

function backwardCase(s: Size, staged?: boolean): BenchCase {
  return {
    kernel: variant('attention_backward', staged),
    size: sizeLabel(s),
    baseline: staged === undefined ? undefined : `attention_backward ${sizeLabel(s)}`,
    async setup(gpu: Gpu, kernelConfig: KernelConfig): Promise<BenchSetup> {
      const b = allocate(gpu, s);
      await primeForward(gpu, kernelConfig, b, s.NH);
      const dispatches = await attentionBackward(gpu, kernelConfig, b.dqkv, b.dout, b.qkv, b.out, b.lse, b.scratchD,
        { nHead: s.NH, causal: true, staged });
      const hs = s.C / s.NH;
      return { dispatches, flops: 10 * s.B * s.NH * causalPairs(s.T) * hs, dispose: () => destroy(...Object.values(b)) };
    },
  };
}

// The heatmap kernel is bound by writing the (B, NH, T, T) matrix; reads of q and k hit caches.
function probsCase(s: Size): BenchCase {
  return {
    kernel: 'attention_probs',
    size: sizeLabel(s),
    async setup(gpu: Gpu, kernelConfig: KernelConfig): Promise<BenchSetup> {
      const b = allocate(gpu, s);
      await primeForward(gpu, kernelConfig, b, s.NH);
      const p = createTensor(gpu, 'probs', [s.B, s.NH, s.T, s.T]);
      const d = await attentionProbs(gpu, p, b.qkv, b.lse, { nHead: s.NH, causal: true });
      const bytes = 4 * (numel(p.shape) + numel(b.qkv.shape) * (2 / 3) + numel(b.lse.shape));
      return { dispatches: [d], bytes, dispose: () => destroy(p, ...Object.values(b)) };
    },
  };
}

/** The causal forward (or backward) with the device's configuration, at one size. */
export const attentionForwardCase = (s: AttentionSize): BenchCase => forwardCase(s);
export const attentionBackwardCase = (s: AttentionSize): BenchCase => backwardCase(s);

export const cases: BenchCase[] = [
  ...SIZES.map((s) => forwardCase(s)),
  ...SIZES.map((s) => backwardCase(s)),
  // Both ways of reading the other side's rows, against the default, at every size.
  ...SIZES.flatMap((s) => [true, false].flatMap((staged) => [forwardCase(s, staged), backwardCase(s, staged)])),
  probsCase(SIZES[0]),
];
