import { describe, expect, it } from 'vitest';
import { Rng } from './rng';
import { checkGenerateOptions, drawToken, MAX_SAMPLE_TOKENS, nextTokenDistribution } from './distribution';

const logits = [2, 1, 0, -1, 3];
const base = { temperature: 1, topK: 0, topP: 1, greedy: false };

describe('nextTokenDistribution', () => {
  it('is the softmax at temperature 1', () => {
    const p = nextTokenDistribution(logits, base);
    const z = logits.reduce((s, x) => s + Math.exp(x), 0);
    logits.forEach((x, i) => expect(p[i]).toBeCloseTo(Math.exp(x) / z, 12));
  });

  it('temperature sharpens below 1 and flattens above', () => {
    const cold = nextTokenDistribution(logits, { ...base, temperature: 0.5 });
    const hot = nextTokenDistribution(logits, { ...base, temperature: 2 });
    const p = nextTokenDistribution(logits, base);
    expect(cold[4]).toBeGreaterThan(p[4]);
    expect(hot[4]).toBeLessThan(p[4]);
    expect(hot[3]).toBeGreaterThan(p[3]);
  });

  it('greedy and temperature 0 put all mass on the arg-max', () => {
    expect(Array.from(nextTokenDistribution(logits, { ...base, greedy: true }))).toEqual([0, 0, 0, 0, 1]);
    expect(Array.from(nextTokenDistribution(logits, { ...base, temperature: 0 }))).toEqual([0, 0, 0, 0, 1]);
  });

  it('temperature 0 is greedy whatever top-k and top-p say, ties going to the lowest id', () => {
    for (const cut of [{}, { topK: 3 }, { topP: 0.5 }, { topK: 1, topP: 0.01 }]) {
      expect(Array.from(nextTokenDistribution(logits, { ...base, ...cut, temperature: 0 }))).toEqual([0, 0, 0, 0, 1]);
    }
    expect(Array.from(nextTokenDistribution([1, 5, 5, 0], { ...base, temperature: 0 }))).toEqual([0, 1, 0, 0]);
    // The limit it stands for: a tiny temperature is all but greedy already.
    expect(nextTokenDistribution(logits, { ...base, temperature: 1e-3 })[4]).toBeCloseTo(1, 12);
  });

  it('draws the arg-max at temperature 0 for every seed', () => {
    const p = nextTokenDistribution([0.3, 2.5, 2.4, -1], { ...base, temperature: 0 });
    for (let seed = 0; seed < 50; seed++) expect(drawToken(p, new Rng(seed))).toBe(1);
  });

  it('top-k keeps the k most likely, renormalised', () => {
    const p = nextTokenDistribution(logits, { ...base, topK: 2 });
    expect(p[2]).toBe(0);
    expect(p[3]).toBe(0);
    expect(p[1]).toBe(0);
    expect(p[0] + p[4]).toBeCloseTo(1, 12);
    expect(p[4] / p[0]).toBeCloseTo(Math.E, 10);
  });

  it('top-p keeps the smallest prefix reaching p', () => {
    const full = nextTokenDistribution(logits, base); // ≈ [.23, .086, .032, .012, .64]
    const p = nextTokenDistribution(logits, { ...base, topP: 0.7 });
    expect(full[4]).toBeLessThan(0.7);
    expect(p[4]).toBeGreaterThan(0);
    expect(p[0]).toBeGreaterThan(0); // needed to reach 0.7
    expect(p[1]).toBe(0);
    const tiny = nextTokenDistribution(logits, { ...base, topP: 0.01 });
    expect(Array.from(tiny)).toEqual([0, 0, 0, 0, 1]);
  });
});

describe('drawToken', () => {
  it('follows the distribution and is reproducible per seed', () => {
    const probs = [0.1, 0, 0.6, 0.3];
    const counts = [0, 0, 0, 0];
    const rng = new Rng(42);
    for (let i = 0; i < 20000; i++) counts[drawToken(probs, rng)]++;
    expect(counts[1]).toBe(0);
    expect(counts[2] / 20000).toBeCloseTo(0.6, 1);
    const a = Array.from({ length: 20 }, ((r) => () => drawToken(probs, r))(new Rng(7)));
    const b = Array.from({ length: 20 }, ((r) => () => drawToken(probs, r))(new Rng(7)));
    expect(a).toEqual(b);
  });
});

describe('checkGenerateOptions', () => {
  const ok = { ...base, maxTokens: 200, seed: 42 };

  it('accepts the defaults, the edges of each range, and temperature 0', () => {
    expect(checkGenerateOptions(ok)).toEqual({});
    expect(checkGenerateOptions({ ...ok, temperature: 0, topK: 0, topP: 1, maxTokens: 1, seed: 0 })).toEqual({});
    expect(checkGenerateOptions({ ...ok, temperature: 5, topK: 100_000, topP: 1e-9, maxTokens: MAX_SAMPLE_TOKENS, seed: 2 ** 32 - 1 })).toEqual({});
  });

  it('names each out-of-range setting instead of changing it', () => {
    const e = checkGenerateOptions({ ...ok, temperature: -0.5, topK: 2.5, topP: 0, maxTokens: 100_000, seed: -1 });
    expect(Object.keys(e).sort()).toEqual(['maxTokens', 'seed', 'temperature', 'topK', 'topP']);
    expect(e.temperature).toBe('Temperature must be 0 or more (got -0.5); 0 is greedy.');
    expect(e.topK).toMatch(/^Top-k must be a whole number.*got 2\.5/);
    expect(e.topP).toMatch(/^Top-p must be above 0 and at most 1 \(got 0\)/);
    expect(e.maxTokens).toBe('Max tokens must be a whole number from 1 to 2,000 (got 100000).');
    expect(e.seed).toMatch(/^Sample seed must be a whole number from 0 to 4,294,967,295/);
  });

  it('refuses what is not a number, and the other ends of the ranges', () => {
    const e = checkGenerateOptions({ ...ok, temperature: Number.NaN, topK: -1, topP: 1.01, maxTokens: 0, seed: 1.5 });
    expect(Object.keys(e)).toHaveLength(5);
    expect(checkGenerateOptions({ ...ok, topP: Number.NaN }).topP).toBeDefined();
    expect(checkGenerateOptions({ ...ok, maxTokens: 2.5 }).maxTokens).toBeDefined();
    expect(checkGenerateOptions({ ...ok, temperature: Infinity }).temperature).toBeDefined();
  });
});
