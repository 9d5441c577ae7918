import { describe, expect, it } from 'vitest';
import { Rng } from './rng';
import { drawToken, nextTokenDistribution } from './distribution';

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
