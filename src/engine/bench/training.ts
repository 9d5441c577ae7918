// Training throughput: warm-up steps (pipelines, first submits), then timed steps, then one
// more step profiled per kernel. Step time is the median of the trainer's own step-to-step
// interval, i.e. the pipelined rate the app sees; submits and dispatches are counted during
// the timed steps. Shared by the benchmark page (three fixed sizes) and the app's device
// benchmark (the model the user has, on the user's adapter).
import type { Gpu } from '../gpu/device';
import type { KernelConfig } from '../kernels/config';
import type { ProfileReport } from '../gpu/profiler';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { countParams } from '../../core/params';
import { DEFAULT_TRAIN, type TrainSettings } from '../../core/settings';
import { Trainer } from '../train/trainer';
import { Rng } from '../../core/rng';
import { countGpuCalls } from '../gpu/counters';
import { median } from './stats';

/** One training model size: layers, width, block, batch (heads = 4 in the benchmark page's sizes). */
export interface TrainSize {
  label: string;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  blockSize: number;
  batchSize: number;
}

export interface TrainingResult {
  model: string;
  params: number;
  /**
   * Median over the timed steps of the trainer's own step-to-step interval (pipelined); the
   * wall time per step when there were too few steps for an interval.
   */
  stepMs: number;
  /** Wall time of the timed steps / their number, as a cross-check of stepMs. */
  wallStepMs: number;
  /** Tokens one optimizer step trains on: batch × block × gradient accumulation steps. */
  tokensPerStep: number;
  tokensPerSec: number;
  timedSteps: number;
  /** From the plan: forward + backward per micro-batch, + gradNorm (2) + AdamW (1). */
  dispatchesPerStep: number;
  /** dispatchWorkgroups calls actually recorded during the timed steps / steps. */
  dispatchesCounted: number;
  /** device.queue.submit calls during the timed steps / steps. */
  submitsPerStep: number;
  /** One more step, profiled: GPU time per kernel (timestamp-query) or counts and wall time. */
  profile: ProfileReport;
}

/** Vocabulary of the synthetic corpus: tinyshakespeare's character count. */
export const BENCH_VOCAB = 65;

/** gradNorm's dispatches (partial sums, then finalize) and AdamW's one, per optimizer step. */
export const NORM_DISPATCHES = 2;
export const ADAMW_DISPATCHES = 1;

export const sizeLabel = (s: TrainSize): string => `L${s.nLayer} C${s.nEmbd} T${s.blockSize} B${s.batchSize}`;

export function configOf(s: TrainSize): GPTConfig {
  return { ...DEFAULT_CONFIG, nLayer: s.nLayer, nHead: s.nHead, nEmbd: s.nEmbd, blockSize: s.blockSize, vocabSize: BENCH_VOCAB };
}

/** Random token ids below `vocab`: step time does not depend on what the text says. */
export function syntheticTokens(n: number, seed = 1, vocab = BENCH_VOCAB): Uint32Array {
  const rng = new Rng(seed);
  return Uint32Array.from({ length: n }, () => rng.int(vocab));
}

export interface TrainingRun {
  warmup: number;
  steps: number;
  /** Called after each warm-up and timed step, and after the profiled one: steps done of all. */
  onProgress?: (done: number, total: number) => void;
}

export async function benchTraining(gpu: Gpu, kernelConfig: KernelConfig, size: TrainSize, warmup: number, steps: number): Promise<TrainingResult> {
  const settings = { ...DEFAULT_TRAIN, batchSize: size.batchSize, blockSize: size.blockSize };
  return measureTraining(gpu, kernelConfig, configOf(size), settings, sizeLabel(size), { warmup, steps });
}

/**
 * Trains a new model of `config` with `settings`' batch, block and accumulation on synthetic
 * tokens (no warm-up of the learning rate, no evaluation), on a trainer of its own that is
 * destroyed before this returns.
 */
export async function measureTraining(gpu: Gpu, kernelConfig: KernelConfig, config: GPTConfig, base: TrainSettings, label: string, run: TrainingRun): Promise<TrainingResult> {
  const { warmup, steps, onProgress } = run;
  const settings: TrainSettings = { ...base, warmupSteps: 0, maxSteps: warmup + steps, evalEvery: 0 };
  const intervals: number[] = [];
  let timing = false;
  const tokens = syntheticTokens(20_000 + 10 * settings.blockSize, 1, config.vocabSize);
  const trainer = await Trainer.create(gpu, kernelConfig, config, settings, tokens, {
    events: { onStep: (r) => timing && intervals.push(r.stepMs) },
  });
  const total = warmup + steps + 1;
  let done = 0;
  const step = async () => {
    await trainer.trainStep();
    onProgress?.(++done, total);
  };
  try {
    for (let i = 0; i < warmup; i++) await step();
    await trainer.flush();
    const { counts, stop } = countGpuCalls(gpu);
    timing = true;
    const t0 = performance.now();
    try {
      for (let i = 0; i < steps; i++) await step();
      await trainer.flush();
    } finally {
      stop();
    }
    const wallStepMs = (performance.now() - t0) / steps;
    timing = false;
    // The first timed interval is NaN (flush() resets the trainer's clock): median skips it,
    // and one timed step has no interval at all.
    const intervalMs = median(intervals);
    const stepMs = Number.isFinite(intervalMs) ? intervalMs : wallStepMs;
    const profile = await trainer.profileStep();
    onProgress?.(total, total);
    const plan = trainer.plan;
    const perMicro = plan.forward.length + plan.backward.length;
    const tokensPerStep = settings.batchSize * settings.blockSize * settings.gradAccumSteps;
    return {
      model: label,
      params: countParams(config),
      stepMs,
      wallStepMs,
      tokensPerStep,
      tokensPerSec: (tokensPerStep * 1000) / stepMs,
      timedSteps: steps,
      dispatchesPerStep: perMicro * settings.gradAccumSteps + NORM_DISPATCHES + ADAMW_DISPATCHES,
      dispatchesCounted: counts.dispatches / steps,
      submitsPerStep: counts.submits / steps,
      profile,
    };
  } finally {
    trainer.destroy();
  }
}
