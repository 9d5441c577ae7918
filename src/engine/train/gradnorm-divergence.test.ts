// A step whose loss is finite but whose gradient norm is not (the backward overflowed) is a
// divergence, as a non-finite loss is: in the shared last-good policy, and in the CPU trainer,
// which computes the norm for clipping in float64. The GPU trainer's side of the rule is in
// trainer-gradnorm.gpu.test.ts.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { DEFAULT_TRAIN, type TrainSettings } from '../../core/settings';
import { CpuTrainer } from './cpu-trainer';
import { ArraySnapshotSlots, LastGoodSnapshots } from './last-good';

describe('last-good snapshots and the gradient norm', () => {
  /** Weights params = [step]; each step reports (loss, norm) at once, as on the CPU. */
  function toyRun(every: number) {
    const params = new Float64Array(1);
    const lastGood = new LastGoodSnapshots(new ArraySnapshotSlots([params]), every);
    let step = 0;
    return {
      params,
      lastGood,
      train(loss: number, gradNorm: number): boolean {
        lastGood.beforeStep(step);
        params[0] = ++step;
        return lastGood.reportLoss(step, loss, gradNorm);
      },
    };
  }

  it('a finite loss with an infinite norm diverges the run, names the norm, and confirms nothing', () => {
    const run = toyRun(2);
    for (let i = 0; i < 4; i++) expect(run.train(2, 1)).toBe(false); // copies of 0 and 2; step 3 confirms 2
    expect(run.train(2.5, Infinity)).toBe(true); // step 5 would have confirmed the copy of 4
    expect(run.lastGood.diverged).toEqual({ step: 5, loss: 2.5, gradNorm: Infinity });
    expect(run.train(2, 1)).toBe(false); // reported once
    expect(run.lastGood.restore()).toBe(2);
    expect(run.params[0]).toBe(2);
  });

  it('a NaN norm diverges too; a non-finite loss is named before the norm', () => {
    const nanNorm = toyRun(50);
    expect(nanNorm.train(2, NaN)).toBe(true);
    expect(nanNorm.lastGood.diverged).toEqual({ step: 1, loss: 2, gradNorm: NaN });
    const both = toyRun(50);
    expect(both.train(Infinity, NaN)).toBe(true);
    expect(both.lastGood.diverged).toEqual({ step: 1, loss: Infinity });
  });

  it('without a norm (no backward to check) only the loss counts', () => {
    const run = toyRun(50);
    run.lastGood.beforeStep(0);
    expect(run.lastGood.reportLoss(1, 2)).toBe(false);
    expect(run.lastGood.confirmedStep).toBe(0);
  });
});

describe('CpuTrainer and the gradient norm', () => {
  const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 1, nHead: 2, nEmbd: 8, blockSize: 8, vocabSize: 7 };
  const tokens = Uint32Array.from({ length: 300 }, (_, i) => (i * 3) % tiny.vocabSize);

  // A final LayerNorm weight of 1e200 makes the logits ~1e199: the loss (their spread) is
  // still a float64, but the tied head's gradient is ~1e200 and its square overflows the norm.
  for (const gradClip of [0, 1]) {
    it(`a step whose loss is finite and whose gradient norm overflows diverges, and the run goes back (gradClip ${gradClip})`, async () => {
      const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, lr: 1e-2, minLr: 1e-2, warmupSteps: 0, maxSteps: 100, gradClip, seed: 5 };
      const trainer = CpuTrainer.reference(tiny, settings, tokens, undefined, undefined, { snapshotEvery: 2 });
      for (let i = 0; i < 4; i++) expect((await trainer.trainStep()).diverged).toBe(false);
      const good = { params: trainer.model.params.slice(), ...structuredClone(trainer.optimizerState()) };
      expect((await trainer.trainStep()).diverged).toBe(false); // step 5 confirms the weights of step 4
      trainer.model.param('transformer.ln_f.weight').fill(1e200);
      const step6 = await trainer.trainStep();
      expect(Number.isFinite(step6.loss)).toBe(true);
      expect(step6.gradNorm).toBe(Infinity);
      expect(step6.diverged).toBe(true);
      expect(trainer.diverged).toEqual({ step: 6, loss: step6.loss, gradNorm: Infinity });
      await expect(trainer.trainStep()).rejects.toThrow(/diverged at step 6/);
      expect(trainer.restoreLastGood()).toBe(4);
      expect(trainer.model.params).toEqual(good.params);
      expect(trainer.optimizerState()).toEqual({ m: good.m, v: good.v });
      const next = await trainer.trainStep();
      expect(next.diverged).toBe(false);
      expect(Number.isFinite(next.gradNorm)).toBe(true);
    });
  }
});
