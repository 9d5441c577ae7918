import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { CorpusTooShortError, sampleBatch, splitTokens } from './data';
import { learningRate } from './schedule';

describe('splitTokens', () => {
  it('splits 90/10', () => {
    const t = Uint32Array.from({ length: 1000 }, (_, i) => i % 7);
    const s = splitTokens(t, 8);
    expect(s.train.length).toBe(900);
    expect(s.val.length).toBe(100);
    expect(s.val[0]).toBe(t[900]);
  });

  it('refuses a corpus too short for the block size, saying how long it must be', () => {
    const t = new Uint32Array(100);
    expect(() => splitTokens(t, 64)).toThrow(CorpusTooShortError);
    expect(() => splitTokens(t, 64)).toThrow(/100 tokens long; with block size 64 it needs at least 641/);
    expect(() => splitTokens(new Uint32Array(641), 64)).not.toThrow();
    expect(() => splitTokens(new Uint32Array(640), 64)).toThrow(CorpusTooShortError);
    expect(() => splitTokens(new Uint32Array(0), 4)).toThrow(CorpusTooShortError);
  });
});

describe('sampleBatch', () => {
  it('targets are inputs shifted by one, windows inside the data, same seed same batch', () => {
    const data = Uint32Array.from({ length: 50 }, (_, i) => i);
    const a = sampleBatch(new Rng(5), data, 4, 9);
    const b = sampleBatch(new Rng(5), data, 4, 9);
    expect(a).toEqual(b);
    for (let r = 0; r < 4; r++) {
      for (let t = 0; t < 9; t++) {
        expect(a.targets[r * 9 + t]).toBe(a.inputs[r * 9 + t] + 1);
        expect(a.targets[r * 9 + t]).toBeLessThan(50);
      }
    }
  });

  it('reaches the last possible window', () => {
    const data = Uint32Array.from({ length: 12 }, (_, i) => i);
    const rng = new Rng(1);
    let sawLast = false;
    for (let k = 0; k < 200; k++) if (sampleBatch(rng, data, 1, 10).targets[9] === 11) sawLast = true;
    expect(sawLast).toBe(true);
  });
});

describe('learningRate', () => {
  const s = { lr: 1e-3, minLr: 1e-4, warmupSteps: 10, decaySteps: 110 };
  it('warms up linearly, decays by cosine to minLr, then stays', () => {
    expect(learningRate(s, 0)).toBeCloseTo(1e-3 / 11, 12);
    expect(learningRate(s, 9)).toBeCloseTo((1e-3 * 10) / 11, 12);
    expect(learningRate(s, 10)).toBeCloseTo(1e-3, 12);
    expect(learningRate(s, 60)).toBeCloseTo(5.5e-4, 12);
    expect(learningRate(s, 110)).toBe(1e-4);
    expect(learningRate(s, 500)).toBe(1e-4);
  });
  it('constant when lr = minLr and no warm-up', () => {
    const c = { lr: 1e-3, minLr: 1e-3, warmupSteps: 0, decaySteps: 500 };
    for (const step of [0, 1, 250, 499, 500]) expect(learningRate(c, step)).toBeCloseTo(1e-3, 15);
  });
});
