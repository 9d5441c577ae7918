// The CPU engine's split across Web Workers, in a real browser (no GPU is used: this project
// is where tests get Chromium): the same gradients and losses as one thread, and the same
// bits from one run to the next.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { initParams, paramLayout } from '../../core/params';
import { Rng } from '../../core/rng';
import { expectClose } from '../testing/compare';
import { randint } from '../testing/random';
import { testSeed } from '../testing/seed';
import { RefGPT } from '../ref/model';
import { DataParallelGPT } from './parallel';
import type { TokenBatch } from './trainable';

const cfg: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 3, nEmbd: 24, blockSize: 8, vocabSize: 11 };
const B = 5; // three threads take 1, 2 and 2 sequences
const T = 7;

// Each thread's gradient is rounded to float32 when its share is done and the shares are added
// in float32: besides the one rounding a single thread makes, n = 3 more of up to 2⁻²⁴ of the
// shares' sums, which can cancel, so bounded by the tensor's largest gradient times a few:
// atol = 8·n·2⁻²⁴·scale (the worst measured was a tenth of it). A share lost, doubled or
// scaled wrong is off by ≳20%.
const n = 3;
const GRAD_ATOL = 8 * n * 2 ** -24;
const LOSS_TOL = { atol: 0, rtol: 8 * n * 2 ** -24 };

const maxAbs = (x: ArrayLike<number>) => Array.from(x).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

function batches(seed: number, k: number): TokenBatch[] {
  const rng = new Rng(seed);
  return Array.from({ length: k }, () => ({ inputs: randint(rng, B * T, cfg.vocabSize), targets: randint(rng, B * T, cfg.vocabSize) }));
}

const models: DataParallelGPT[] = [];
afterEach(() => {
  for (const m of models.splice(0)) m.destroy();
});

function model(params: Float32Array, threads: number): DataParallelGPT {
  const m = new DataParallelGPT(cfg, params.slice(), { threads });
  models.push(m);
  return m;
}

describe('DataParallelGPT across Web Workers', () => {
  it('matches the float64 reference in the browser too (its WebAssembly SIMD, where Node tests it)', async () => {
    const seed = testSeed();
    const params = initParams(cfg, paramLayout(cfg), seed);
    const data = batches(seed, 2);
    const ref = new RefGPT(cfg, params);
    let refLoss = 0;
    for (const b of data) {
      refLoss += ref.forward(b.inputs, b.targets, B, T).loss / data.length;
      ref.backward();
    }
    const one = model(params, 1);
    expectClose('loss', [await one.gradient(data, B, T)], [refLoss], { atol: 0, rtol: 1e-6 }, seed);
    for (const e of one.layout.entries) {
      const r = ref.grads.subarray(e.offset, e.offset + e.size).map((x) => x / data.length);
      // as engine/cpu/model.test.ts: ≤ 1.1e-6 of a tensor's largest gradient measured there
      expectClose(`d ${e.name}`, one.grads.subarray(e.offset, e.offset + e.size), r, { atol: 5e-6 * maxAbs(r), rtol: 5e-6 }, seed);
    }
  });

  it('three threads give one thread\'s gradient and losses, and the same bits every time', async () => {
    const seed = testSeed();
    const params = initParams(cfg, paramLayout(cfg), seed);
    const data = batches(seed, 2); // two micro-batches
    const one = model(params, 1);
    const three = model(params, n);
    expect(one.threads).toBe(1);
    expect(three.threads).toBe(n); // two helper workers started

    const loss1 = await one.gradient(data, B, T);
    const loss3 = await three.gradient(data, B, T);
    expect(three.helperError).toBeNull();
    expect(three.threads).toBe(n); // none was let go
    expectClose('loss', [loss3], [loss1], LOSS_TOL, seed);
    for (const e of one.layout.entries) {
      const g1 = one.grads.subarray(e.offset, e.offset + e.size);
      const g3 = three.grads.subarray(e.offset, e.offset + e.size);
      const scale = maxAbs(g1);
      expect(scale, `${e.name} has a gradient`).toBeGreaterThan(0);
      expectClose(`d ${e.name}`, g3, g1, { atol: GRAD_ATOL * scale, rtol: 0 }, seed);
    }

    // Again, after the trainer would have changed the weights: the helpers get them with the request.
    const first = three.grads.slice();
    const p0 = three.params[0];
    three.params[0] = p0 + 0.5;
    await three.gradient(data, B, T);
    expect(three.grads).not.toEqual(first);
    three.params[0] = p0;
    expect(await three.gradient(data, B, T)).toBe(loss3);
    expect(three.grads).toEqual(first);

    const l1 = await one.losses(data, B, T);
    const l3 = await three.losses(data, B, T);
    expectClose('losses', l3, l1, LOSS_TOL, seed);
    expect(three.helperError).toBeNull();
  });

  it('runs overlapping requests one after the other', async () => {
    const seed = testSeed();
    const params = initParams(cfg, paramLayout(cfg), seed);
    const data = batches(seed, 1);
    const three = model(params, n);
    const alone = await three.gradient(data, B, T);
    const [a, losses, b] = await Promise.all([three.gradient(data, B, T), three.losses(data, B, T), three.gradient(data, B, T)]);
    expect([a, losses[0], b]).toEqual([alone, alone, alone]);
  });

  it('refuses a shape the model cannot run, and keeps its workers', async () => {
    const seed = testSeed();
    const params = initParams(cfg, paramLayout(cfg), seed);
    const three = model(params, n);
    const long = 9; // past the block size of 8
    const rng = new Rng(seed);
    const data = [{ inputs: randint(rng, B * long, cfg.vocabSize), targets: randint(rng, B * long, cfg.vocabSize) }];
    await expect(three.gradient(data, B, long)).rejects.toThrow(/exceeds block size/);
    expect(three.helperError).toBeNull();
    expect(three.threads).toBe(n);
    expect(Number.isFinite(await three.gradient(batches(seed, 1), B, T))).toBe(true);
  });

  it('a batch of fewer sequences than threads', async () => {
    const seed = testSeed();
    const params = initParams(cfg, paramLayout(cfg), seed);
    const data = batches(seed, 1).map((x) => ({ inputs: x.inputs.subarray(0, 2 * T), targets: x.targets.subarray(0, 2 * T) }));
    const one = model(params, 1);
    const three = model(params, n);
    expectClose('loss', [await three.gradient(data, 2, T)], [await one.gradient(data, 2, T)], LOSS_TOL, seed);
    expect(three.helperError).toBeNull();
  });
});
