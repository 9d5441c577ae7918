// How the Inspect views feed text to the engine: a fixed set of validation windows (the same
// every time, so that two measurements differ only by what was switched off), the cut of a
// text into consecutive windows for the surprisal, and batches small enough to read back.
import { inspectorBatch } from '../../core/allocations';
import type { Ablation, Interventions } from '../../core/inspect';
import { buildInterventions } from '../../core/inspect';
import type { GPTConfig } from '../../core/config';
import type { InspectEngine, InspectOptions, InspectRun } from './engine';

/** B windows of T tokens and their next tokens, (B, T) each. */
export interface Windows {
  inputs: Uint32Array;
  targets: Uint32Array;
  B: number;
  T: number;
}

/** How many validation windows the views measure over (as a few evaluation batches). */
export const VALIDATION_WINDOWS = 8;

/**
 * Up to `count` windows of T inputs (and their targets) from `data`, evenly spaced from its
 * start to its end: deterministic, no RNG. Fewer when the data has fewer distinct starts.
 */
export function evenWindows(data: Uint32Array, T: number, count = VALIDATION_WINDOWS): Windows {
  const maxStart = data.length - T - 1;
  if (maxStart < 0) throw new RangeError(`${data.length} tokens hold no window of ${T} tokens and a target`);
  const B = Math.min(count, maxStart + 1);
  const inputs = new Uint32Array(B * T);
  const targets = new Uint32Array(B * T);
  for (let b = 0; b < B; b++) {
    const start = B === 1 ? 0 : Math.round((b * maxStart) / (B - 1));
    inputs.set(data.subarray(start, start + T), b * T);
    targets.set(data.subarray(start + 1, start + T + 1), b * T);
  }
  return { inputs, targets, B, T };
}

/**
 * The consecutive windows a text is cut into for the surprisal: blockSize + 1 tokens each
 * (the inputs and, shifted by one, the targets), the last one shorter. Start offsets.
 */
export function textWindowStarts(n: number, blockSize: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s < n; s += blockSize + 1) starts.push(s);
  return starts;
}

/** Sequences per run for T positions (see core/allocations.ts: the memory estimate counts them). */
export const batchFor = inspectorBatch;

/**
 * Runs the windows in batches; `each` gets every batch's result and its first window. The
 * options' targets are taken from the windows when `withTargets`.
 */
export async function runWindows(
  engine: InspectEngine,
  w: Windows,
  opts: Omit<InspectOptions, 'targets'> & { withTargets?: boolean },
  each: (run: InspectRun, b0: number, B: number) => void,
): Promise<void> {
  const { withTargets, ...rest } = opts;
  const step = batchFor(w.T, engine.config.vocabSize);
  for (let b0 = 0; b0 < w.B; b0 += step) {
    const B = Math.min(step, w.B - b0);
    const span = (a: Uint32Array) => a.subarray(b0 * w.T, (b0 + B) * w.T);
    const run = await engine.run(span(w.inputs), B, w.T, withTargets ? { ...rest, targets: span(w.targets) } : rest);
    each(run, b0, B);
  }
}

/** The ablations in force and what mean ablations put in. */
export interface AblationInput {
  ablations: readonly Ablation[];
  /** (L, SITES, C) site means (see siteMeans); needed when any ablation is 'mean'. */
  means?: Float32Array;
}

/** The interventions for some ablations, or undefined when there are none (the plain forward). */
export function interventionsOf(config: GPTConfig, a: AblationInput | undefined): Interventions | undefined {
  if (!a || a.ablations.length === 0) return undefined;
  return buildInterventions(config, a);
}

/** A view's input the user can fix (a position past the end, prompts of different lengths). */
export class InspectInputError extends Error {
  override name = 'InspectInputError';
  constructor(
    message: string,
    /** The input to fix: 'position', 'inputs' (both prompts), 'target', 'neuron'. */
    readonly field: string,
  ) {
    super(message);
  }
}

/** A position of `n` tokens, −1 meaning the last; throws InspectInputError outside them. */
export function resolvePosition(position: number, n: number): number {
  const p = position === -1 ? n - 1 : position;
  if (!Number.isInteger(p) || p < 0 || p >= n) {
    throw new InspectInputError(`Position ${position} is outside the ${n} tokens (0 to ${n - 1}, or −1 for the last).`, 'position');
  }
  return p;
}
