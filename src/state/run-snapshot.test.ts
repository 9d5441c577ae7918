import { describe, expect, it } from 'vitest';
import { nonFiniteWeights } from './run-snapshot';

describe('nonFiniteWeights', () => {
  const ok = () => Float32Array.from([0.5, -1, 0, 3e38]);
  it('accepts finite weights and optimizer state, and runs without optimizer state', () => {
    expect(nonFiniteWeights({ params: ok(), adam: { m: ok(), v: ok() } })).toBeNull();
    expect(nonFiniteWeights({ params: ok() })).toBeNull();
  });

  it('names the first array with NaN or infinity, wherever the value is', () => {
    const nanLast = ok();
    nanLast[3] = NaN;
    expect(nonFiniteWeights({ params: nanLast })).toBe('weights');
    const inf = ok();
    inf[0] = -Infinity;
    expect(nonFiniteWeights({ params: ok(), adam: { m: inf, v: ok() } })).toBe('Adam m');
    expect(nonFiniteWeights({ params: ok(), adam: { m: ok(), v: inf } })).toBe('Adam v');
  });
});
