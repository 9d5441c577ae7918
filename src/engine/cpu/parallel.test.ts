// The CPU engine as the trainer drives it, where there are no Web Workers (Node): everything in
// one thread, the same arithmetic as the model's own forward and backward. The split across
// real workers is tested in the browser (parallel.gpu.test.ts).
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { initParams, paramLayout } from '../../core/params';
import { Rng } from '../../core/rng';
import { randint } from '../testing/random';
import { testSeed } from '../testing/seed';
import { CpuGPT } from './model';
import { DataParallelGPT } from './parallel';
import { shareOf, shareRange } from './shares';

const cfg: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 1, nHead: 2, nEmbd: 8, blockSize: 6, vocabSize: 7 };

describe('data-parallel shares', () => {
  it('split B sequences into contiguous shares that differ by at most one', () => {
    for (const [B, n] of [[5, 3], [16, 2], [2, 3], [7, 7]]) {
      const ranges = Array.from({ length: n }, (_, i) => shareRange(B, i, n));
      expect(ranges[0][0]).toBe(0);
      expect(ranges[n - 1][1]).toBe(B);
      ranges.slice(1).forEach(([lo], i) => expect(lo).toBe(ranges[i][1]));
      const sizes = ranges.map(([lo, hi]) => hi - lo);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    const batch = { inputs: Uint32Array.from({ length: 10 }, (_, i) => i), targets: new Uint32Array(10) };
    expect(Array.from(shareOf([batch], 5, 2, 1, 2)[0].inputs)).toEqual([4, 5, 6, 7, 8, 9]); // sequences 2, 3, 4
  });
});

describe('DataParallelGPT without workers', () => {
  it('runs in this thread, as the model would: the mean gradient and loss of the micro-batches', async () => {
    const seed = testSeed();
    const params = initParams(cfg, paramLayout(cfg), seed);
    const rng = new Rng(seed);
    const [B, T] = [3, 5];
    const batches = [0, 1].map(() => ({ inputs: randint(rng, B * T, cfg.vocabSize), targets: randint(rng, B * T, cfg.vocabSize) }));
    const parallel = new DataParallelGPT(cfg, params.slice(), { threads: 4 });
    expect(parallel.threads).toBe(1); // no Worker here
    const loss = await parallel.gradient(batches, B, T);

    const model = new CpuGPT(cfg, params.slice());
    let expected = 0;
    for (const b of batches) {
      expected += model.forward(b.inputs, b.targets, B, T).loss / 2;
      model.backward(1 / (2 * B * T));
    }
    expect(loss).toBeCloseTo(expected, 12);
    expect(parallel.grads).toEqual(model.grads);
    const losses = await parallel.losses(batches, B, T);
    batches.forEach((b, i) => expect(losses[i]).toBeCloseTo(model.forward(b.inputs, b.targets, B, T).loss, 12));
    expect(parallel.helperError).toBeNull();
  });
});
