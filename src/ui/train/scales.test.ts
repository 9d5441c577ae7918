import { describe, expect, it } from 'vitest';
import { linearScale, linearTicks, logDomain, logScale, logTicks, niceCeil, niceDomain, niceStep, quantile, robustRange, sharedDecimals, stepAxisEnd } from './scales';

describe('linear axes', () => {
  it('picks 1-2-5 steps', () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(1, 5)).toBeCloseTo(0.2);
    expect(niceStep(1000, 4)).toBe(200);
    expect(niceStep(3.1, 5)).toBeCloseTo(0.5);
    expect(niceStep(0, 5)).toBe(1);
  });
  it('lists the multiples of the step inside the range, without float drift', () => {
    expect(linearTicks(0, 1000, 5)).toEqual({ ticks: [0, 200, 400, 600, 800, 1000], step: 200 });
    expect(linearTicks(1.23, 4.17, 5).ticks).toEqual([1.5, 2, 2.5, 3, 3.5, 4]);
    expect(linearTicks(0, 0.3, 3).ticks).toEqual([0, 0.1, 0.2, 0.3]);
  });
  it('widens a domain to whole steps and pads an empty one', () => {
    expect(niceDomain(1.23, 4.17, 5)).toEqual([1, 4.5]);
    const [a, b] = niceDomain(2, 2, 5);
    expect(a).toBeLessThan(2);
    expect(b).toBeGreaterThan(2);
  });
  it('maps and inverts', () => {
    const s = linearScale(0, 100, 50, 250);
    expect(s(50)).toBe(150);
    expect(s.invert(150)).toBe(50);
    expect(linearScale(3, 3, 0, 10)(3)).toBe(5);
  });
});

describe('log axes', () => {
  it('uses powers of ten over several decades, thinned when crowded', () => {
    expect(logTicks(0.001, 10, 8)).toEqual([0.001, 0.01, 0.1, 1, 10]);
    expect(logTicks(1e-6, 1e6, 5)).toEqual([1e-6, 1e-3, 1, 1e3, 1e6]);
  });
  it('uses 1-2-5 over a decade or two', () => {
    expect(logTicks(0.3, 30, 8)).toEqual([0.5, 1, 2, 5, 10, 20]);
  });
  it('uses the densest set that fits within a decade, linear steps included', () => {
    expect(logTicks(1.84, 4.4, 8)).toEqual([2, 2.5, 3, 3.5, 4]);
    expect(logTicks(1.3, 4.5, 8)).toEqual([1.5, 2, 2.5, 3, 3.5, 4, 4.5]);
    expect(logTicks(1.3, 4.5, 4)).toEqual([2, 3, 4]);
    expect(logTicks(1.05, 9.5, 6)).toEqual([2, 4, 6, 8]);
  });
  it('never crowds the top of a wide log axis with linear steps', () => {
    // 0.5 to 30 in steps of 5 would fit the count but put 25 and 30 nearly on each other.
    expect(logTicks(0.5, 30, 8)).toEqual([0.5, 1, 2, 5, 10, 20]);
  });
  it('gives a set of ticks one number of decimals', () => {
    expect(sharedDecimals([2, 2.5, 3])).toBe(1);
    expect(sharedDecimals([2, 3, 4])).toBe(0);
    expect(sharedDecimals([0.25, 0.5])).toBe(2);
    expect(sharedDecimals([1 / 3])).toBe(3);
  });
  it('falls back to linear ticks within a sliver of a decade', () => {
    const t = logTicks(1.3, 1.8, 6);
    expect(t.length).toBeGreaterThanOrEqual(2);
    for (const v of t) expect(v >= 1.3 && v <= 1.8).toBe(true);
  });
  it('pads the domain multiplicatively and maps by logarithms', () => {
    const [a, b] = logDomain(1, 4);
    expect(a).toBeLessThan(1);
    expect(b).toBeGreaterThan(4);
    const s = logScale(1, 100, 0, 200);
    expect(s(10)).toBeCloseTo(100);
    expect(s.invert(100)).toBeCloseTo(10);
  });
});

describe('the step axis', () => {
  it('rounds up to 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten', () => {
    expect([1, 1.1, 13, 151, 2000, 2001, 7000, 8001].map(niceCeil)).toEqual([1, 1.2, 15, 200, 2000, 2500, 8000, 10000]);
    expect(niceCeil(0)).toBe(1);
  });
  it('fits the steps done with headroom, growing in jumps, capped at the planned end until passed', () => {
    expect(stepAxisEnd(0, 2000)).toBe(10);
    expect(stepAxisEnd(45, 2000)).toBe(50);
    expect(stepAxisEnd(46, 2000)).toBe(60);
    // The same end for a run of steps: no re-scale at each one.
    expect(new Set([47, 48, 50, 52, 54].map((s) => stepAxisEnd(s, 2000))).size).toBe(1);
    expect(stepAxisEnd(95, 100)).toBe(100);
    expect(stepAxisEnd(120, 100)).toBe(150);
    expect(stepAxisEnd(3, 5)).toBe(5);
  });
});

describe('robust loss range', () => {
  it('takes a quantile by rank, so an outlier cannot pull it', () => {
    expect(quantile([1, 2, 3, 4, 1000], 0.9)).toBe(4);
    expect(quantile([1, 2, 3], 0)).toBe(1);
    expect(quantile([], 0.5)).toBeNaN();
  });
  it('keeps an ordinary curve whole', () => {
    const fall = [4.2, 4.1, 3.9, 3.6, 3.2, 2.8, 2.5, 2.3, 2.1, 2.0, 1.9];
    expect(robustRange([fall], false)).toEqual({ lo: 1.9, hi: 4.2, clipped: false });
  });
  it('keeps a fast, deep fall whole (a model without the causal mask)', () => {
    const fall = [4.2, 2.5, 1.2, 0.6, 0.3, ...new Array<number>(200).fill(0.02)];
    expect(robustRange([fall], true)).toEqual({ lo: 0.02, hi: 4.2, clipped: false });
  });
  it('leaves out a blow-up and a huge first loss', () => {
    expect(robustRange([[4.2, 4.0, 3.8, 3.7, 3.5, 3.4, 6e18, 3.3]], false)).toEqual({ lo: 3.3, hi: 4.2, clipped: true });
    expect(robustRange([[50, 4.2, 4.1, 4.0, 3.9]], true)).toEqual({ lo: 3.9, hi: 4.2, clipped: true });
  });
  it('keeps a run that settles higher than it started (the bulk vouches for it)', () => {
    const up = [4.2, 4.1, 4.0, 4.0, 4.0, ...new Array<number>(50).fill(14)];
    expect(robustRange([up], false)).toEqual({ lo: 4, hi: 14, clipped: false });
  });
  it('judges every curve by its own start, and ignores what cannot be drawn', () => {
    const low = [1.0, 0.9, 0.8, 0.8, 0.7, 0.7];
    const high = [6.0, 5.5, 5.0, 4.8, 4.7];
    expect(robustRange([low, high], false)?.clipped).toBe(false);
    expect(robustRange([[NaN, Infinity, 2, -1]], true)).toEqual({ lo: 2, hi: 2, clipped: false });
    expect(robustRange([[NaN]], false)).toBeNull();
  });
});
