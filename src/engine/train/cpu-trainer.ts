// The training loop on the CPU, over any TrainableModel (engine/cpu/trainable.ts): the float32
// CPU engine of the CPU mode, or the float64 reference model, which makes it the yardstick
// for the GPU's and the float32 engine's training curves. The same batches (same data split,
// same seeded RNG), schedule, clipping and AdamW as the GPU trainer, and the same evaluation
// and last-good snapshots.
import type { GPTConfig } from '../../core/config';
import { initParams, paramLayout } from '../../core/params';
import type { EvalReport } from '../../core/reports';
import { Rng } from '../../core/rng';
import type { TrainSettings } from '../../core/settings';
import type { TrainableModel } from '../cpu/trainable';
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

/** The weights a run starts from: the given ones, or the seed's initialisation. */
export function initialParams(config: GPTConfig, settings: TrainSettings, params?: ArrayLike<number>): Float32Array {
  return params ? Float32Array.from(params) : initParams(config, paramLayout(config), settings.seed);
}

/** The float64 reference model as the trainer drives it, one micro-batch after another. */
export class RefTrainable extends RefGPT implements TrainableModel {
  gradient(batches: readonly Batch[], B: number, T: number): number {
    const k = batches.length;
    this.zeroGrad();
    let loss = 0;
    for (const b of batches) {
      loss += this.forward(b.inputs, b.targets, B, T).loss / k;
      this.backward();
    }
    // backward() took the gradient of each micro-batch's mean; the GPU scales by 1/k inside.
    if (k > 1) for (let i = 0; i < this.grads.length; i++) this.grads[i] /= k;
    return loss;
  }

  losses(batches: readonly Batch[], B: number, T: number): number[] {
    return batches.map((b) => this.forward(b.inputs, b.targets, B, T).loss);
  }
}

export class CpuTrainer<M extends TrainableModel = TrainableModel> {
  step = 0;
  /** Adam's moments, in the precision of the model's parameters. */
  private readonly m: Float32Array | Float64Array;
  private readonly v: Float32Array | Float64Array;
  private readonly split: Split;
  private readonly batchRng: Rng;
  private readonly lastGood: LastGoodSnapshots;
  /** The step Adam's moments started from zero at: its bias correction counts from there. */
  private readonly momentsFrom: number;

  constructor(
    readonly model: M,
    public settings: TrainSettings,
    tokens: Uint32Array,
    resume?: { m?: ArrayLike<number>; v?: ArrayLike<number>; step: number },
    opts: { snapshotEvery?: number } = {},
  ) {
    const n = model.layout.totalElems;
    const float32 = model.params instanceof Float32Array;
    this.m = float32 ? new Float32Array(n) : new Float64Array(n);
    this.v = float32 ? new Float32Array(n) : new Float64Array(n);
    this.split = splitTokens(tokens, settings.blockSize);
    this.batchRng = new Rng(settings.seed + 1);
    // Weights without their moments (a demo, a link, a checkpoint) start Adam afresh: its
    // first update is then a unit step, not one inflated by a bias correction of step 1000.
    this.momentsFrom = resume && !(resume.m && resume.v) ? resume.step : 0;
    if (resume) {
      if (resume.m) this.m.set(resume.m);
      if (resume.v) this.v.set(resume.v);
      this.step = resume.step;
      // skip the batches the earlier steps drew, as the GPU trainer does
      const draws = resume.step * settings.gradAccumSteps * settings.batchSize;
      for (let i = 0; i < draws; i++) this.batchRng.nextU32();
    }
    this.lastGood = new LastGoodSnapshots(new ArraySnapshotSlots<Float32Array | Float64Array>([model.params, this.m, this.v]), opts.snapshotEvery ?? 50);
  }

  /** The trainer of the float64 reference model: the yardstick of the others. */
  static reference(config: GPTConfig, settings: TrainSettings, tokens: Uint32Array, params?: ArrayLike<number>,
    resume?: { m?: ArrayLike<number>; v?: ArrayLike<number>; step: number }, opts: { snapshotEvery?: number } = {}): CpuTrainer<RefTrainable> {
    return new CpuTrainer(new RefTrainable(config, initialParams(config, settings, params)), settings, tokens, resume, opts);
  }

  /** The first non-finite loss or gradient norm since the last restore, or null. */
  get diverged(): Divergence | null {
    return this.lastGood.diverged;
  }

  /** Adam's state, for saving a run. */
  optimizerState(): { m: Float32Array | Float64Array; v: Float32Array | Float64Array } {
    return { m: this.m, v: this.v };
  }

  /** One optimizer step. */
  async trainStep(): Promise<CpuStepResult> {
    if (this.diverged) throw new Error(`training diverged at step ${this.diverged.step}; restore or reset first`);
    const s = this.settings;
    const lr = learningRate({ lr: s.lr, minLr: s.minLr, warmupSteps: s.warmupSteps, decaySteps: s.maxSteps }, this.step);
    const batches = Array.from({ length: s.gradAccumSteps }, () => sampleBatch(this.batchRng, this.split.train, s.batchSize, s.blockSize));
    const loss = await this.model.gradient(batches, s.batchSize, s.blockSize);
    this.lastGood.beforeStep(this.step);
    const step = ++this.step;
    const norm = new Float64Array(2);
    gradNorm(norm, this.model.grads, s.gradClip);
    adamwUpdate(this.model.params, this.model.grads, this.m, this.v, norm[1],
      { lr, beta1: s.beta1, beta2: s.beta2, eps: s.eps, weightDecay: s.weightDecay, step: step - this.momentsFrom }, this.model.layout.decayEnd);
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
    return evaluateSplits({ lossesOf: (batches) => this.model.losses(batches, s.batchSize, s.blockSize) }, this.split, this.step, s);
  }
}
