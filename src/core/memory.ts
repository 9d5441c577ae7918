// Memory preflight: the bytes a training run needs, computed from the same tables the engine
// allocates from, checked against the device's limits before anything is allocated.
import type { GPTConfig } from './config';
import { formatBytes } from './format';
import { activationSpecs } from './activations';
import { paramLayout } from './params';

export interface MemoryEstimate {
  params: number;
  grads: number;
  adam: number; // m and v
  activations: number;
  total: number;
  /** The largest single tensor (it must fit one storage binding). */
  largest: { name: string; bytes: number };
}

export interface DeviceMemoryLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** Total bytes we allow ourselves; WebGPU does not expose the device's memory size. */
  budget: number;
}

/** A conservative default budget: most integrated GPUs give a tab at least this much. */
export const DEFAULT_MEMORY_BUDGET = 1.5 * 2 ** 30;

export function estimateMemory(c: GPTConfig, B: number, T: number, training = true): MemoryEstimate {
  const paramBytes = paramLayout(c).totalElems * 4;
  let activations = 0;
  let largest = { name: 'parameters', bytes: paramBytes };
  const specs = activationSpecs(c, B, T, training);
  // Evaluation and sampling plans are small next to the training plan; count a forward-only
  // plan for the sampler (B=1, T=blockSize) too.
  if (training) specs.push(...activationSpecs(c, 1, c.blockSize, false));
  for (const s of specs) {
    const bytes = Math.ceil((s.shape.reduce((a, b) => a * b, 1) * 4) / 256) * 256;
    activations += bytes;
    if (bytes > largest.bytes) largest = { name: s.name, bytes };
  }
  const grads = training ? paramBytes : 0;
  const adam = training ? 2 * paramBytes : 0;
  return { params: paramBytes, grads, adam, activations, total: paramBytes + grads + adam + activations, largest };
}

/** Null when the run fits; otherwise a message with the numbers and what to change. */
export function checkMemory(e: MemoryEstimate, limits: DeviceMemoryLimits, c: GPTConfig, B: number, T: number): string | null {
  const perBinding = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
  if (e.largest.bytes > perBinding) {
    const suggestion =
      e.largest.name === 'parameters'
        ? 'a smaller width or fewer layers'
        : e.largest.name.includes('logits')
          ? `a smaller batch (${B}) or block size (${T}), or a smaller vocabulary (${c.vocabSize})`
          : `a smaller batch (${B}) or block size (${T})`;
    return (
      `The ${e.largest.name} tensor needs ${formatBytes(e.largest.bytes)}, but this GPU allows at most ` +
      `${formatBytes(perBinding)} per buffer. Choose ${suggestion}.`
    );
  }
  if (e.total > limits.budget) {
    return (
      `Training would need ${formatBytes(e.total)} of GPU memory (parameters ${formatBytes(e.params)}, gradients ` +
      `${formatBytes(e.grads)}, Adam state ${formatBytes(e.adam)}, activations ${formatBytes(e.activations)}), ` +
      `more than the ${formatBytes(limits.budget)} this app allows itself. Choose a smaller batch (${B}), ` +
      `block size (${T}) or width (${c.nEmbd}).`
    );
  }
  return null;
}
