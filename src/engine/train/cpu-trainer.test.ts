// The CPU trainer's use of the shared evaluation and last-good snapshots, on a tiny model.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { Rng } from '../../core/rng';
import { DEFAULT_TRAIN, type TrainSettings } from '../../core/settings';
import { CpuTrainer } from './cpu-trainer';
import { sampleBatch, splitTokens } from './data';

const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 1, nHead: 2, nEmbd: 8, blockSize: 8, vocabSize: 7 };
const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, lr: 1e-2, minLr: 1e-2, warmupSteps: 0, maxSteps: 100, gradClip: 0, evalIters: 3, seed: 5 };
const tokens = Uint32Array.from({ length: 300 }, (_, i) => (i * 3) % tiny.vocabSize);

describe('CpuTrainer', () => {
  it('goes back to the last good weights after a NaN loss, and continues from their step', () => {
    const trainer = new CpuTrainer(tiny, settings, tokens, undefined, undefined, { snapshotEvery: 2 });
    for (let i = 0; i < 4; i++) expect(trainer.trainStep().diverged).toBe(false);
    const good = { params: trainer.model.params.slice(), ...structuredClone(trainer.optimizerState()) };
    trainer.trainStep(); // step 5, from the weights of step 4: confirms them
    trainer.model.params[0] = NaN; // the weights after step 5 go bad: wte, read by every logit through the tied head
    const step6 = trainer.trainStep();
    expect(step6.loss).toBeNaN();
    expect(step6.diverged).toBe(true);
    expect(trainer.diverged).toEqual({ step: 6, loss: NaN });
    expect(() => trainer.trainStep()).toThrow(/diverged at step 6/);
    expect(trainer.restoreLastGood()).toBe(4);
    expect(trainer.step).toBe(4);
    expect(trainer.diverged).toBeNull();
    expect(trainer.model.params).toEqual(good.params);
    expect(trainer.optimizerState()).toEqual({ m: good.m, v: good.v });
    expect(trainer.trainStep().diverged).toBe(false); // training continues
    expect(trainer.step).toBe(5);
  });

  it('evaluates the mean forward loss over the shared evaluation batches', async () => {
    const trainer = new CpuTrainer(tiny, settings, tokens);
    trainer.trainStep();
    const report = await trainer.evaluate();
    const split = splitTokens(tokens, settings.blockSize);
    const rng = new Rng(settings.seed * 7919 + 1);
    const meanLoss = (data: Uint32Array) => {
      let sum = 0;
      for (let i = 0; i < settings.evalIters; i++) {
        const b = sampleBatch(rng, data, settings.batchSize, settings.blockSize);
        sum += trainer.model.forward(b.inputs, b.targets, settings.batchSize, settings.blockSize).loss;
      }
      return sum / settings.evalIters;
    };
    const train = meanLoss(split.train);
    expect(report).toEqual({ step: 1, train, val: meanLoss(split.val) });
    expect(report.train).not.toBe(report.val);
  });
});
