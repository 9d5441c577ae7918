import { describe, expect, it } from 'vitest';
import { linearScale, linearTicks, logDomain, logScale, logTicks, niceDomain, niceStep } from './scales';

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
  it('uses 1-2-5 or every digit within a decade or two', () => {
    expect(logTicks(0.3, 30, 8)).toEqual([0.5, 1, 2, 5, 10, 20]);
    expect(logTicks(1.3, 4.5, 8)).toEqual([2, 3, 4]);
    expect(logTicks(1.05, 9.5, 6)).toEqual([2, 5]);
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
