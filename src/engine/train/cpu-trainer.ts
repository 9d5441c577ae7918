// The training loop on the CPU, over the float64 reference model: the same batches (same data
// split, same seeded RNG), schedule, clipping and AdamW as the GPU trainer, and the same
// evaluation and last-good snapshots. It is the yardstick for the GPU's training curve and
// the engine of the CPU mode for small models.
import type { GPTConfig } from '../../core/config';
import { initParams, paramLayout } from '../../core/params';
import type { EvalReport } from '../../core/reports';
import { Rng } from '../../core/rng';
import type { TrainSettings } from '../../core/settings';
import { adamwUpdate } from '../ref/adamw';
import { gradNorm } from '../ref/gradnorm';
import { RefGPT } from '../ref/model';
import { sampleBatch, splitTokens, type Batch, type Split } from './data';
import { evaluateSplits } from './evaluate';
import { ArraySnapshotSlots, LastGoodSnapshots, type Divergence } from './last-good';
import { learningRate } from './schedule';

export interface CpuStepResult {
  /** Mean train loss over the step's micro-batches. */
  loss: number;
  lr: number;
  gradNorm: number;
  /** This step's loss, or else its gradient norm, is the run's first non-finite one. */
  diverged: boolean;
}

export class CpuTrainer {
  step = 0;
  readonly model: RefGPT;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly split: Split;
  private readonly batchRng: Rng;
  private readonly lastGood: LastGoodSnapshots;

  constructor(
    readonly config: GPTConfig,
    public settings: TrainSettings,
    tokens: Uint32Array,
    params?: ArrayLike<number>,
    resume?: { m?: ArrayLike<number>; v?: ArrayLike<number>; step: number },
    opts: { snapshotEvery?: number } = {},
  ) {
    const layout = paramLayout(config);
    this.model = new RefGPT(config, params ?? initParams(config, layout, settings.seed));
    this.m = new Float64Array(layout.totalElems);
    this.v = new Float64Array(layout.totalElems);
    this.split = splitTokens(tokens, settings.blockSize);
    this.batchRng = new Rng(settings.seed + 1);
    if (resume) {
      if (resume.m) this.m.set(resume.m);
      if (resume.v) this.v.set(resume.v);
      this.step = resume.step;
      // skip the batches the earlier steps drew, as the GPU trainer does
      const draws = resume.step * settings.gradAccumSteps * settings.batchSize;
      for (let i = 0; i < draws; i++) this.batchRng.nextU32();
    }
    this.lastGood = new LastGoodSnapshots(new ArraySnapshotSlots([this.model.params, this.m, this.v]), opts.snapshotEvery ?? 50);
  }

  /** The first non-finite loss or gradient norm since the last restore, or null. */
  get diverged(): Divergence | null {
    return this.lastGood.diverged;
  }

  /** Adam's state, for saving a run. */
  optimizerState(): { m: Float64Array; v: Float64Array } {
    return { m: this.m, v: this.v };
  }

  /** One optimizer step. */
  trainStep(): CpuStepResult {
    if (this.diverged) throw new Error(`training diverged at step ${this.diverged.step}; restore or reset first`);
    const s = this.settings;
    const k = s.gradAccumSteps;
    const lr = learningRate({ lr: s.lr, minLr: s.minLr, warmupSteps: s.warmupSteps, decaySteps: s.maxSteps }, this.step);
    this.lastGood.beforeStep(this.step);
    const step = ++this.step;
    this.model.zeroGrad();
    let loss = 0;
    for (let i = 0; i < k; i++) {
      const b = sampleBatch(this.batchRng, this.split.train, s.batchSize, s.blockSize);
      loss += this.model.forward(b.inputs, b.targets, s.batchSize, s.blockSize).loss / k;
      this.model.backward();
    }
    // backward() took the gradient of each micro-batch's mean; the GPU scales by 1/k inside.
    if (k > 1) for (let i = 0; i < this.model.grads.length; i++) this.model.grads[i] /= k;
    const norm = new Float64Array(2);
    gradNorm(norm, this.model.grads, s.gradClip);
    adamwUpdate(this.model.params, this.model.grads, this.m, this.v, norm[1],
      { lr, beta1: s.beta1, beta2: s.beta2, eps: s.eps, weightDecay: s.weightDecay, step }, this.model.layout.decayEnd);
    // As on the GPU: a gradient that overflowed (even in float64) diverged the step, finite loss or not.
    const diverged = this.lastGood.reportLoss(step, loss, norm[0]);
    return { loss, lr, gradNorm: norm[0], diverged };
  }

  /**
   * After a NaN loss or norm: puts back the last weights known to be good and continues from their
   * step. Returns that step, or -1 when there is none (then nothing changes).
   */
  restoreLastGood(): number {
    const step = this.lastGood.restore();
    if (step >= 0) this.step = step;
    return step;
  }

  /** Mean loss over `evalIters` batches of each split (see evaluateSplits). */
  evaluate(): Promise<EvalReport> {
    const s = this.settings;
    const losses = {
      lossesOf: (batches: readonly Batch[]) =>
        batches.map((b) => this.model.forward(b.inputs, b.targets, s.batchSize, s.blockSize).loss),
    };
    return evaluateSplits(losses, this.split, this.step, s);
  }
}
