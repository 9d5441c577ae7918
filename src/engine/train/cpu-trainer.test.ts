// The CPU trainer's use of the shared evaluation and last-good snapshots, on a tiny model; and
// its run over the float32 engine against its run over the float64 reference.
import { describe, expect, it } from 'vitest';
import { expectClose } from '../testing/compare';
import { testSeed } from '../testing/seed';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { Rng } from '../../core/rng';
import { DEFAULT_TRAIN, type TrainSettings } from '../../core/settings';
import { CpuTrainer, initialParams } from './cpu-trainer';
import { DataParallelGPT } from '../cpu/parallel';
import { sampleBatch, splitTokens } from './data';

const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 1, nHead: 2, nEmbd: 8, blockSize: 8, vocabSize: 7 };
const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, lr: 1e-2, minLr: 1e-2, warmupSteps: 0, maxSteps: 100, gradClip: 0, evalIters: 3, seed: 5 };
const tokens = Uint32Array.from({ length: 300 }, (_, i) => (i * 3) % tiny.vocabSize);

describe('CpuTrainer', () => {
  it('goes back to the last good weights after a NaN loss, and continues from their step', async () => {
    const trainer = CpuTrainer.reference(tiny, settings, tokens, undefined, undefined, { snapshotEvery: 2 });
    for (let i = 0; i < 4; i++) expect((await trainer.trainStep()).diverged).toBe(false);
    const good = { params: trainer.model.params.slice(), ...structuredClone(trainer.optimizerState()) };
    await trainer.trainStep(); // step 5, from the weights of step 4: confirms them
    trainer.model.params[0] = NaN; // the weights after step 5 go bad: wte, read by every logit through the tied head
    const step6 = await trainer.trainStep();
    expect(step6.loss).toBeNaN();
    expect(step6.diverged).toBe(true);
    expect(trainer.diverged).toEqual({ step: 6, loss: NaN });
    await expect(trainer.trainStep()).rejects.toThrow(/diverged at step 6/);
    expect(trainer.restoreLastGood()).toBe(4);
    expect(trainer.step).toBe(4);
    expect(trainer.diverged).toBeNull();
    expect(trainer.model.params).toEqual(good.params);
    expect(trainer.optimizerState()).toEqual({ m: good.m, v: good.v });
    expect((await trainer.trainStep()).diverged).toBe(false); // training continues
    expect(trainer.step).toBe(5);
  });

  it('weights resumed without their moments (a demo) start Adam afresh: the run from step 500 takes the steps of a run from step 0', async () => {
    // One token throughout, so every batch is the same whatever the step: only Adam's bias
    // correction could tell the two runs apart (the learning rate is constant).
    const same = new Uint32Array(300).fill(3);
    const start = Float64Array.from(CpuTrainer.reference(tiny, settings, same).model.params);
    const fromZero = CpuTrainer.reference(tiny, settings, same, start);
    const from500 = CpuTrainer.reference(tiny, settings, same, start, { step: 500 });
    for (let i = 0; i < 10; i++) {
      await fromZero.trainStep();
      await from500.trainStep();
    }
    expect(from500.step).toBe(510);
    expect(Array.from(from500.model.params)).toEqual(Array.from(fromZero.model.params));
  });

  it('evaluates the mean forward loss over the shared evaluation batches', async () => {
    const trainer = CpuTrainer.reference(tiny, settings, tokens);
    await trainer.trainStep();
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

describe('CpuTrainer over the float32 engine', () => {
  const cfg: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 3, nEmbd: 24, blockSize: 8, vocabSize: 11 };
  /** A learnable stream: each token mostly follows from the one before. */
  const stream = (seed: number) => {
    const rng = new Rng(seed);
    const out = new Uint32Array(600);
    for (let i = 1; i < out.length; i++) out[i] = rng.uniform(0, 1) < 0.8 ? (out[i - 1] * 3 + 1) % cfg.vocabSize : rng.int(cfg.vocabSize);
    return out;
  };

  // The two runs start from the same float32 weights and draw the same batches; the float32
  // one rounds its gradients (≤ ~1e-6 of their scale, see engine/cpu/model.test.ts) and its
  // weights and Adam moments after every update. Over ten steps the losses were measured to
  // agree to ≤ 3e-8 relative and the gradient norms to ≤ 4e-7 (five seeds); the bounds leave
  // ≥ 25×. A different batch, schedule or clip moves a loss by ≳1e-3.
  const LOSS_RTOL = 1e-6;
  const NORM_RTOL = 1e-5;

  it("ten steps' losses, norms and the evaluation follow the float64 trainer's", async () => {
    const seed = testSeed();
    // warm-up, decay, clipping (the norms here are 1.1–2.3) and two micro-batches per step
    const s: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 5, blockSize: 7, lr: 1e-2, minLr: 1e-3, warmupSteps: 3, maxSteps: 10, evalIters: 2, seed, gradAccumSteps: 2 };
    const tokens = stream(seed);
    const ref = CpuTrainer.reference(cfg, s, tokens);
    const f32 = new CpuTrainer(new DataParallelGPT(cfg, initialParams(cfg, s)), s, tokens);
    for (let i = 0; i < 10; i++) {
      const a = await ref.trainStep();
      const b = await f32.trainStep();
      expect(b.lr).toBe(a.lr);
      expectClose(`step ${i + 1}: loss`, [b.loss], [a.loss], { atol: 0, rtol: LOSS_RTOL }, seed);
      expectClose(`step ${i + 1}: gradient norm`, [b.gradNorm], [a.gradNorm], { atol: 0, rtol: NORM_RTOL }, seed);
    }
    expect(f32.step).toBe(10);
    const [ea, eb] = [await ref.evaluate(), await f32.evaluate()];
    expect(eb.step).toBe(ea.step);
    expectClose('evaluation', [eb.train, eb.val], [ea.train, ea.val], { atol: 0, rtol: LOSS_RTOL }, seed);
  });

  it('goes back to the last good float32 weights and Adam state after a NaN loss', async () => {
    const s: TrainSettings = { ...settings, blockSize: 7 };
    const trainer = new CpuTrainer(new DataParallelGPT(cfg, initialParams(cfg, s)), s, stream(3), undefined, { snapshotEvery: 2 });
    for (let i = 0; i < 4; i++) await trainer.trainStep();
    const good = { params: trainer.model.params.slice(), ...structuredClone(trainer.optimizerState()) };
    expect(good.m).toBeInstanceOf(Float32Array);
    await trainer.trainStep(); // confirms the weights of step 4
    trainer.model.params[0] = NaN;
    expect((await trainer.trainStep()).diverged).toBe(true);
    expect(trainer.restoreLastGood()).toBe(4);
    expect(trainer.model.params).toEqual(good.params);
    expect(trainer.optimizerState()).toEqual({ m: good.m, v: good.v });
    expect((await trainer.trainStep()).diverged).toBe(false);
  });
});
