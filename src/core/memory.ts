// Memory preflight: the bytes a training session needs, computed from the same tables the
// engine allocates from (allocations.ts, activations.ts, params.ts), checked against the
// device's limits before anything is allocated.
import type { GPTConfig } from './config';
import { formatBytes } from './format';
import { activationSpecs, tensorBytes, type ActSpec } from './activations';
import { inspectorBytes, largestReadbackBytes, paramBytes, samplingBytes, trainerAllocations } from './allocations';

export interface MemoryEstimate {
  /** One f32 copy of the parameters. */
  params: number;
  grads: number;
  adam: number; // m and v
  /** The last-good snapshots: copies of params, m and v that a NaN loss restores. */
  snapshots: number;
  /** The training plan: activations, the backward's scratch, the kernels' uniforms. */
  activations: number;
  /**
   * The trainer's small buffers (loss slots, gradient norm, readback ring, batch staging) and
   * the most read back to the CPU at once (a snapshot for the CPU copy while a save reads).
   */
  staging: number;
  /** Decoders and inference plans (attention probabilities included), and the f16 copy of the weights. */
  sampling: number;
  /** The Inspect views' plans (with interventions), built when the views are first used. */
  inspect: number;
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

/**
 * Everything a GPU session can hold at once: the trainer at batch B, length T with
 * `gradAccumSteps` micro-batches per step, and sampling from it at full context.
 */
export function estimateMemory(c: GPTConfig, B: number, T: number, gradAccumSteps = 1): MemoryEstimate {
  const P = paramBytes(c);
  const trainer = trainerAllocations(c, B, T, gradAccumSteps);
  const parts = {
    params: P,
    grads: P,
    adam: 2 * P,
    snapshots: trainer.snapshots,
    activations: trainer.plan,
    staging: trainer.small + largestReadbackBytes(c),
    sampling: samplingBytes(c),
    inspect: inspectorBytes(c),
  };
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  // The tensors that must each fit one binding: the training plan's and the heatmaps' plan's.
  const tensors: ActSpec[] = [...activationSpecs(c, B, T, true), ...activationSpecs(c, 1, c.blockSize, false, true)];
  let largest = { name: 'parameters', bytes: P };
  for (const s of tensors) {
    const bytes = tensorBytes(s.shape);
    if (bytes > largest.bytes) largest = { name: s.name, bytes };
  }
  return { ...parts, total, largest };
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
          : e.largest.name.endsWith('.probs')
            ? `a smaller block size (${c.blockSize}) or fewer heads (${c.nHead}): the attention heatmaps hold heads × block size² values per layer`
            : `a smaller batch (${B}) or block size (${T})`;
    return (
      `The ${e.largest.name} tensor needs ${formatBytes(e.largest.bytes)}, but this GPU allows at most ` +
      `${formatBytes(perBinding)} per buffer. Choose ${suggestion}.`
    );
  }
  if (e.total > limits.budget) {
    return (
      `Training would need ${formatBytes(e.total)} of GPU memory (parameters ${formatBytes(e.params)}, gradients ` +
      `${formatBytes(e.grads)}, Adam state ${formatBytes(e.adam)}, last-good snapshots ${formatBytes(e.snapshots)}, ` +
      `activations ${formatBytes(e.activations)}, sampling ${formatBytes(e.sampling)}, staging ${formatBytes(e.staging)}), ` +
      `more than the ${formatBytes(limits.budget)} this app allows itself. Choose a smaller batch (${B}), ` +
      `block size (${T}) or width (${c.nEmbd}).`
    );
  }
  return null;
}
