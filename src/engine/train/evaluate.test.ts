// The evaluation both backends share: which batches it draws, and what it averages.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { sampleBatch, splitTokens, type Batch } from './data';
import { evaluateSplits, type EvalSettings } from './evaluate';

const settings: EvalSettings = { seed: 1234, batchSize: 3, blockSize: 4, evalIters: 5 };
// Token i is i, so a batch's first input names the window it came from.
const tokens = Uint32Array.from({ length: 200 }, (_, i) => i);
const split = splitTokens(tokens, settings.blockSize);

/** A stand-in model whose loss on a batch is its first input token, recording what it saw. */
function firstTokenModel() {
  const seen: Batch[][] = [];
  return {
    seen,
    lossesOf: (batches: readonly Batch[]) => {
      seen.push([...batches]);
      return batches.map((b) => b.inputs[0]);
    },
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('evaluateSplits', () => {
  it('averages the losses of evalIters batches of each split, drawn from the seed and step', async () => {
    const model = firstTokenModel();
    const step = 17;
    const report = await evaluateSplits(model, split, step, settings);
    // The same draws by hand: train batches first, then validation, from one RNG.
    const rng = new Rng(settings.seed * 7919 + step);
    const expected = { train: [] as Batch[], val: [] as Batch[] };
    for (const which of ['train', 'val'] as const) {
      for (let i = 0; i < settings.evalIters; i++) expected[which].push(sampleBatch(rng, split[which], settings.batchSize, settings.blockSize));
    }
    expect(model.seen).toEqual([expected.train, expected.val]);
    expect(report).toEqual({
      step,
      train: mean(expected.train.map((b) => b.inputs[0])),
      val: mean(expected.val.map((b) => b.inputs[0])),
    });
    // Each split's batches come from that split only.
    const cut = split.train.length;
    expect(model.seen[0].every((b) => b.inputs.every((t) => t < cut) && b.targets.every((t) => t < cut))).toBe(true);
    expect(model.seen[1].every((b) => b.inputs.every((t) => t >= cut))).toBe(true);
  });

  it('is the same at the same step, and draws other batches at another step', async () => {
    const a = await evaluateSplits(firstTokenModel(), split, 3, settings);
    const b = await evaluateSplits(firstTokenModel(), split, 3, settings);
    const c = await evaluateSplits(firstTokenModel(), split, 4, settings);
    expect(b).toEqual(a);
    expect(c.train).not.toBe(a.train);
  });

  it('waits for asynchronous losses and divides by the number of batches', async () => {
    const report = await evaluateSplits({ lossesOf: async (batches) => Float32Array.from(batches, (_, i) => i) }, split, 0, settings);
    expect(report.train).toBe((0 + 1 + 2 + 3 + 4) / 5);
    expect(report.val).toBe(2);
  });

  it('refuses a model that returns the wrong number of losses', async () => {
    await expect(evaluateSplits({ lossesOf: (batches) => batches.slice(1).map(() => 1) }, split, 0, settings)).rejects.toThrow(/4 losses for 5 batches/);
  });
});
