// Training throughput: for each model size, warm-up steps (pipelines, first submits), then
// timed steps. Step time is the median of the trainer's own step-to-step interval, i.e. the
// pipelined rate the app sees; submits and dispatches are counted during the timed steps.
import type { Gpu } from '../../engine/gpu/device';
import type { KernelConfig } from '../../engine/kernels/config';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { countParams } from '../../core/params';
import { DEFAULT_TRAIN, type TrainSettings } from '../../core/settings';
import { Trainer } from '../../engine/train/trainer';
import { Rng } from '../../core/rng';
import { countGpuCalls } from '../../engine/gpu/counters';
import { median } from './stats';
import type { TrainingResult, TrainSize } from './types';

/** Vocabulary of the synthetic corpus: tinyshakespeare's character count. */
export const BENCH_VOCAB = 65;

/** gradNorm's dispatches (partial sums, then finalize) and AdamW's one, per optimizer step. */
export const NORM_DISPATCHES = 2;
export const ADAMW_DISPATCHES = 1;

export const sizeLabel = (s: TrainSize): string => `L${s.nLayer} C${s.nEmbd} T${s.blockSize} B${s.batchSize}`;

export function configOf(s: TrainSize): GPTConfig {
  return { ...DEFAULT_CONFIG, nLayer: s.nLayer, nHead: s.nHead, nEmbd: s.nEmbd, blockSize: s.blockSize, vocabSize: BENCH_VOCAB };
}

/** Random token ids: step time does not depend on what the text says. */
export function syntheticTokens(n: number, seed = 1): Uint32Array {
  const rng = new Rng(seed);
  return Uint32Array.from({ length: n }, () => rng.int(BENCH_VOCAB));
}

export async function benchTraining(gpu: Gpu, kernelConfig: KernelConfig, size: TrainSize, warmup: number, steps: number): Promise<TrainingResult> {
  const config = configOf(size);
  const settings: TrainSettings = {
    ...DEFAULT_TRAIN,
    batchSize: size.batchSize,
    blockSize: size.blockSize,
    warmupSteps: 0,
    maxSteps: warmup + steps,
    evalEvery: 0,
  };
  const intervals: number[] = [];
  let timing = false;
  const trainer = await Trainer.create(gpu, kernelConfig, config, settings, syntheticTokens(20_000 + 10 * size.blockSize), {
    events: { onStep: (r) => timing && intervals.push(r.stepMs) },
  });
  try {
    for (let i = 0; i < warmup; i++) await trainer.trainStep();
    await trainer.flush();
    const { counts, stop } = countGpuCalls(gpu);
    timing = true;
    const t0 = performance.now();
    try {
      for (let i = 0; i < steps; i++) await trainer.trainStep();
      await trainer.flush();
    } finally {
      stop();
    }
    const wallStepMs = (performance.now() - t0) / steps;
    timing = false;
    // The first timed interval is NaN (flush() resets the trainer's clock): median skips it.
    const stepMs = median(intervals);
    const profile = await trainer.profileStep();
    const plan = trainer.plan;
    const perMicro = plan.forward.length + plan.backward.length;
    return {
      model: sizeLabel(size),
      params: countParams(config),
      stepMs,
      wallStepMs,
      tokensPerSec: (size.batchSize * size.blockSize * settings.gradAccumSteps * 1000) / stepMs,
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
