// The training loop in float64 on the CPU: the same batches (same data split, same seeded
// RNG), schedule, clipping and AdamW as the GPU trainer. It is the yardstick for the GPU's
// training curve and the engine of the CPU mode for small models.
import type { GPTConfig } from '../../core/config';
import { initParams, paramLayout } from '../../core/params';
import { Rng } from '../../core/rng';
import { sampleBatch, splitTokens, type Split } from '../train/data';
import { learningRate } from '../train/schedule';
import type { TrainSettings } from '../../core/settings';
import { adamwUpdate } from './adamw';
import { gradNorm } from './gradnorm';
import { RefGPT } from './model';

export class RefTrainer {
  step = 0;
  readonly model: RefGPT;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly split: Split;
  private readonly batchRng: Rng;

  constructor(
    readonly config: GPTConfig,
    public settings: TrainSettings,
    tokens: Uint32Array,
    params?: ArrayLike<number>,
    resume?: { m?: ArrayLike<number>; v?: ArrayLike<number>; step: number },
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
  }

  /** Adam's state, for saving a run. */
  optimizerState(): { m: Float64Array; v: Float64Array } {
    return { m: this.m, v: this.v };
  }

  /** A copy of the weights and optimizer state, to go back to after a NaN. */
  snapshot(): { step: number; params: Float64Array; m: Float64Array; v: Float64Array } {
    return { step: this.step, params: this.model.params.slice(), m: this.m.slice(), v: this.v.slice() };
  }

  restore(s: { step: number; params: Float64Array; m: Float64Array; v: Float64Array }): void {
    this.model.params.set(s.params);
    this.m.set(s.m);
    this.v.set(s.v);
    this.step = s.step;
  }

  /** One optimizer step; returns the mean train loss over its micro-batches. */
  trainStep(): { loss: number; lr: number; gradNorm: number } {
    const s = this.settings;
    const k = s.gradAccumSteps;
    const lr = learningRate({ lr: s.lr, minLr: s.minLr, warmupSteps: s.warmupSteps, decaySteps: s.maxSteps }, this.step);
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
    return { loss, lr, gradNorm: norm[0] };
  }
}
