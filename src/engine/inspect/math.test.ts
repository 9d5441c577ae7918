import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { paramLayout } from '../../core/params';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { bitsOf, cosineNeighbours, lensLogits, logSumExp, natsOf, paramView, pca2, projectRows, rankOf, softmax, topIndices, topPredictions } from './math';

describe('distribution arithmetic', () => {
  it('softmax of hand-checkable logits', () => {
    // ln 1, ln 2, ln 5 → 1/8, 2/8, 5/8
    const p = softmax(Float32Array.from([0, Math.log(2), Math.log(5)]));
    expect(p[0]).toBeCloseTo(1 / 8, 7);
    expect(p[1]).toBeCloseTo(2 / 8, 7);
    expect(p[2]).toBeCloseTo(5 / 8, 7);
    // shifted by a constant far beyond exp's range: the same distribution
    const q = softmax([1000, 1000 + Math.log(2), 1000 + Math.log(5)]);
    expect(q[2]).toBeCloseTo(5 / 8, 7);
    expect(logSumExp([0, 0, 0, 0])).toBeCloseTo(Math.log(4), 12);
  });

  it('bits and nats of a token', () => {
    expect(bitsOf(0.25)).toBe(2);
    expect(bitsOf(1)).toBe(-0);
    // p = 1/8: 3 bits, ln 8 nats; with logits far apart no underflow to Infinity
    expect(natsOf([0, Math.log(2), Math.log(5)], 0)).toBeCloseTo(Math.log(8), 12);
    expect(natsOf([0, 2000], 0)).toBeCloseTo(2000, 9);
  });

  it('top-k: largest first, ties by lower index, NaN skipped', () => {
    expect(topIndices([3, 1, 4, 1, 5, 9, 2, 6], 3)).toEqual([5, 7, 4]);
    expect(topIndices([1, 2, 2, 0], 2)).toEqual([1, 2]);
    expect(topIndices([NaN, 1, NaN, 0], 5)).toEqual([1, 3]);
    expect(topIndices([1, 2], 0)).toEqual([]);
    const rng = new Rng(testSeed());
    const x = Array.from({ length: 200 }, () => rng.int(50));
    const sorted = x.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, 7).map((e) => e[1]);
    expect(topIndices(x, 7)).toEqual(sorted);
  });

  it('top predictions are labelled; rank 1 is the top choice', () => {
    const probs = [0.1, 0.6, 0.3];
    expect(topPredictions(probs, 2, (id) => 'abc'[id])).toEqual([{ label: 'b', p: 0.6 }, { label: 'c', p: 0.3 }]);
    expect(rankOf(probs, 1)).toBe(1);
    expect(rankOf(probs, 2)).toBe(2);
    expect(rankOf(probs, 0)).toBe(3);
    expect(rankOf([0.5, 0.5], 1)).toBe(1); // a tie is not above
  });
});

describe('logit lens', () => {
  it('applies ln_f first on a hand-made pre-LN model', () => {
    const config: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 1, nHead: 1, nEmbd: 2, blockSize: 2, vocabSize: 3, norm: 'pre' };
    const layout = paramLayout(config);
    const params = new Float32Array(layout.totalElems);
    paramView(layout, params, 'transformer.wte.weight').set([1, 0, 0, 1, 1, 1]);
    paramView(layout, params, 'transformer.ln_f.weight').set([2, 3]);
    paramView(layout, params, 'transformer.ln_f.bias').set([0.5, -0.5]);
    // x = (1, 3): mean 2, variance 1, x̂ = (−1, 1)/√(1 + 1e-5); then ·(2, 3) + (0.5, −0.5)
    const s = 1 / Math.sqrt(1 + 1e-5);
    const y = [-2 * s + 0.5, 3 * s - 0.5];
    const lens = lensLogits(config, layout, params, [1, 3]);
    expect(lens[0]).toBeCloseTo(y[0], 12);
    expect(lens[1]).toBeCloseTo(y[1], 12);
    expect(lens[2]).toBeCloseTo(y[0] + y[1], 12);
  });

  it('is x · wteᵀ for a hand-made post-LN head', () => {
    const config: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 1, nHead: 1, nEmbd: 2, blockSize: 2, vocabSize: 3, norm: 'post' };
    const layout = paramLayout(config);
    const params = new Float32Array(layout.totalElems);
    paramView(layout, params, 'transformer.wte.weight').set([1, 0, 0, 1, 1, 1]);
    expect(Array.from(lensLogits(config, layout, params, [2, 3]))).toEqual([2, 3, 5]);
  });
});

describe('PCA and neighbours', () => {
  it('finds a known dominant direction and its share of the variance', () => {
    // Points along u = (3, 4)/5 with spread 10 plus a spread-1 component along w = (-4, 3)/5,
    // and a constant third coordinate: variances 100·s² and s'² exactly.
    const rng = new Rng(testSeed());
    const N = 400;
    const D = 3;
    const data = new Float64Array(N * D);
    const a = Array.from({ length: N }, () => rng.normal() * 10);
    const b = Array.from({ length: N }, () => rng.normal());
    for (let n = 0; n < N; n++) {
      data[n * D] = 7 + a[n] * 0.6 - b[n] * 0.8;
      data[n * D + 1] = -2 + a[n] * 0.8 + b[n] * 0.6;
      data[n * D + 2] = 5;
    }
    const pca = pca2(data, N, D);
    const [u, w] = pca.axes;
    expect(Math.abs(u[0] * 0.6 + u[1] * 0.8)).toBeCloseTo(1, 2);
    expect(Math.abs(w[0] * -0.8 + w[1] * 0.6)).toBeCloseTo(1, 2);
    expect(u[2]).toBeCloseTo(0, 9);
    // The sample variances along the two directions, computed directly.
    const variance = (xs: number[]) => {
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      return xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length;
    };
    const va = variance(a);
    const vb = variance(b);
    expect(pca.explained[0] + pca.explained[1]).toBeCloseTo(1, 9);
    expect(pca.explained[0]).toBeGreaterThan(0.98);
    expect(pca.explained[0]).toBeCloseTo(va / (va + vb), 2);
    // Coordinates: the centred data on the axes; the first axis spreads like a.
    const coords = projectRows(data, N, D, pca);
    const xs = Array.from({ length: N }, (_, n) => coords[n * 2]);
    expect(variance(xs)).toBeCloseTo(pca.explained[0] * (va + vb), 6);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / N)).toBeLessThan(1e-9);
  });

  it('a 2-D exact case: the axes are the coordinate axes', () => {
    // x ∈ {−2, 2}, y ∈ {−1, 1}: variances 4 and 1.
    const data = [-2, -1, -2, 1, 2, -1, 2, 1];
    const pca = pca2(data, 4, 2);
    expect(Math.abs(pca.axes[0][0])).toBeCloseTo(1, 9);
    expect(Math.abs(pca.axes[1][1])).toBeCloseTo(1, 9);
    expect(pca.explained[0]).toBeCloseTo(0.8, 9);
    expect(pca.explained[1]).toBeCloseTo(0.2, 9);
  });

  it('cosine neighbours exclude the row itself', () => {
    const data = [1, 0, 0.9, 0.1, 0, 1, -1, 0];
    const nb = cosineNeighbours(data, 4, 2, 2);
    expect(nb[0].map((e) => e.index)).toEqual([1, 2]);
    expect(nb[0][0].cos).toBeCloseTo(0.9 / Math.hypot(0.9, 0.1), 12);
    expect(nb[3].map((e) => e.index)).toEqual([2, 1]);
    expect(nb[3][0].cos).toBeCloseTo(0, 12);
    expect(cosineNeighbours(data, 4, 2, 1, 2)).toHaveLength(2);
  });
});
