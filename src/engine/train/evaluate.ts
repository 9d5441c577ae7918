// Evaluation, the same for every backend: the mean loss over `evalIters` random batches of
// the train split and of the validation split. The batches come from an RNG seeded by the
// run's seed and the step, so an evaluation neither disturbs the training batches nor
// depends on when it was asked for.
import type { EvalReport } from '../../core/reports';
import { Rng } from '../../core/rng';
import type { TrainSettings } from '../../core/settings';
import { sampleBatch, type Batch, type Split } from './data';

/**
 * A model's mean loss on each of a list of batches. It gets a split's batches at once so that
 * the GPU can queue them all and read the losses back in one go rather than once per batch.
 */
export interface BatchLosses {
  lossesOf(batches: readonly Batch[]): Promise<ArrayLike<number>> | ArrayLike<number>;
}

export type EvalSettings = Pick<TrainSettings, 'seed' | 'batchSize' | 'blockSize' | 'evalIters'>;

export async function evaluateSplits(model: BatchLosses, split: Split, step: number, s: EvalSettings): Promise<EvalReport> {
  // Not the training batches' RNG (seed + 1): evaluating leaves the training run unchanged.
  const rng = new Rng(s.seed * 7919 + step);
  const report: EvalReport = { step, train: 0, val: 0 };
  for (const which of ['train', 'val'] as const) {
    const batches = Array.from({ length: s.evalIters }, () => sampleBatch(rng, split[which], s.batchSize, s.blockSize));
    const losses = await model.lossesOf(batches);
    if (losses.length !== batches.length) throw new Error(`evaluation got ${losses.length} losses for ${batches.length} batches`);
    let sum = 0;
    for (let i = 0; i < losses.length; i++) sum += losses[i];
    report[which] = sum / s.evalIters;
  }
  return report;
}
