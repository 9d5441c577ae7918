// Data parallelism for the CPU engine: a batch's B sequences are split into contiguous shares,
// one per thread, and each thread runs the model on its share. This is the work of one share,
// the same in the coordinating thread and in a helper worker (./cpu-worker.ts), and the
// messages between the two.
import type { GPTConfig } from '../../core/config';
import type { CpuGPT, CpuModelOptions } from './model';
import type { TokenBatch } from './trainable';

/** Sequences [lo, hi) of a batch of B make share i of n: sizes differ by at most one. */
export function shareRange(B: number, i: number, n: number): [number, number] {
  return [Math.floor((i * B) / n), Math.floor(((i + 1) * B) / n)];
}

/** Share i of n of each batch (views, not copies). */
export function shareOf(batches: readonly TokenBatch[], B: number, T: number, i: number, n: number): TokenBatch[] {
  const [lo, hi] = shareRange(B, i, n);
  return batches.map((b) => ({ inputs: b.inputs.subarray(lo * T, hi * T), targets: b.targets.subarray(lo * T, hi * T) }));
}

export type ShareKind = 'gradient' | 'losses';

/**
 * Runs `model` on each batch of a share of Bs sequences: returns each batch's sum of token
 * losses. For 'gradient', grads are zeroed first and then receive the gradient of scale·Σ
 * of all those token losses.
 */
export function runShare(model: CpuGPT, kind: ShareKind, batches: readonly TokenBatch[], Bs: number, T: number, scale: number): Float64Array {
  const sums = new Float64Array(batches.length);
  if (kind === 'gradient') model.zeroGrad();
  batches.forEach((b, i) => {
    model.forward(b.inputs, b.targets, Bs, T);
    const losses = model.tokenLosses();
    let s = 0;
    for (let j = 0; j < losses.length; j++) s += losses[j];
    sums[i] = s;
    if (kind === 'gradient') model.backward(scale);
  });
  return sums;
}

/** Coordinator → helper. The params and grads buffers are transferred and come back with the reply. */
export type HelperRequest =
  | { type: 'init'; config: GPTConfig; opts: Required<CpuModelOptions> }
  | { type: 'run'; id: number; kind: ShareKind; params: Float32Array; grads: Float32Array; batches: TokenBatch[]; Bs: number; T: number; scale: number };

/** Helper → coordinator: the buffers back (grads holding the share's gradient), and the loss sums or what went wrong. */
export type HelperReply = { id: number; params: Float32Array; grads: Float32Array } & ({ ok: true; sums: Float64Array } | { ok: false; message: string });
