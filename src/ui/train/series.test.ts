import { describe, expect, it } from 'vitest';
import { decimateColumns, dedupeMarks, emaSeries, EmaCache, firstNonFinite, lastAtOrBefore, markerColumns, median, nearestIndex, recentMedian } from './series';

describe('EMA', () => {
  it('starts at the first value (debiased) and moves towards new ones', () => {
    const s = emaSeries([4, 4, 2], 0.9);
    expect(s[0]).toBeCloseTo(4);
    expect(s[1]).toBeCloseTo(4);
    expect(s[2]).toBeLessThan(4);
    expect(s[2]).toBeGreaterThan(2);
    // Debiased: (0.09*4 + 0.09*4... ) closed form for the third value.
    const acc = 0.9 * (0.9 * 0.4 + 0.4) + 0.1 * 2;
    expect(s[2]).toBeCloseTo(acc / (1 - 0.9 ** 3));
  });
  it('skips non-finite values', () => {
    const s = emaSeries([NaN, 3, Infinity, 3], 0.5);
    expect(s[0]).toBeNaN();
    expect(s[1]).toBeCloseTo(3);
    expect(s[2]).toBeCloseTo(3);
    expect(s[3]).toBeCloseTo(3);
  });
  it('skips a spike above the spike factor, but not a first value or a steady rise', () => {
    const s = emaSeries([4, 6e18, 4], 0.9, 10);
    expect(s[1]).toBeCloseTo(4);
    expect(s[2]).toBeCloseTo(4);
    expect(emaSeries([50, 4], 0.9, 10)[0]).toBe(50);
    const rise = emaSeries([4, 8, 16, 32], 0.5, 10);
    expect(rise[3]).toBeGreaterThan(rise[2]);
    // A huge first value is left behind as soon as the losses show it was one.
    const afterHuge = emaSeries([80, 4.2, 4.1], 0.9, 10);
    expect(afterHuge[1]).toBeCloseTo(4.2);
    expect(afterHuge[2]).toBeLessThan(4.2);
    // Without a factor, the spike goes in.
    expect(emaSeries([4, 6e18], 0.9)[1]).toBeGreaterThan(1e17);
  });
  it('extends a growing array and restarts on a new one', () => {
    const cache = new EmaCache(0.9);
    const a = [{ loss: 4 }, { loss: 3 }];
    expect(cache.update(a, (x) => x.loss)).toEqual(emaSeries([4, 3], 0.9));
    a.push({ loss: 2 });
    expect(cache.update(a, (x) => x.loss)).toEqual(emaSeries([4, 3, 2], 0.9));
    expect(cache.update([{ loss: 1 }], (x) => x.loss)).toEqual([1]);
  });
});

describe('lookups by step', () => {
  const items = [1, 2, 3, 10, 20].map((step) => ({ step }));
  const key = (x: { step: number }) => x.step;
  it('finds the nearest item, preferring the earlier on a tie', () => {
    expect(nearestIndex(items, key, 0)).toBe(0);
    expect(nearestIndex(items, key, 2.4)).toBe(1);
    expect(nearestIndex(items, key, 6.5)).toBe(2);
    expect(nearestIndex(items, key, 7)).toBe(3);
    expect(nearestIndex(items, key, 99)).toBe(4);
    expect(nearestIndex([], key, 1)).toBe(-1);
  });
  it('finds the last item at or before a step', () => {
    expect(lastAtOrBefore(items, key, 0)).toBe(-1);
    expect(lastAtOrBefore(items, key, 3)).toBe(2);
    expect(lastAtOrBefore(items, key, 15)).toBe(3);
    expect(lastAtOrBefore(items, key, 99)).toBe(4);
  });
});

describe('recent averages', () => {
  it('takes the median of finite values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, NaN, 3, 2])).toBe(2.5);
    expect(median([NaN])).toBeNaN();
  });
  it('is not swung by one long step after a pause', () => {
    const steps = [10, 10, 11, 9, 60000, 10].map((ms) => ({ ms }));
    expect(recentMedian(steps, (s) => s.ms, 20)).toBe(10);
    expect(recentMedian(steps, (s) => s.ms, 2)).toBe(30005);
  });
});

describe('decimateColumns', () => {
  it('keeps every point when each has its own pixel column', () => {
    const pts = decimateColumns(3, (i) => i * 10, (i) => i);
    expect(pts).toEqual([{ x: 0, y: 0 }, { x: 10, y: 1 }, { x: 20, y: 2 }]);
  });
  it('keeps first, lowest, highest and last per column in order', () => {
    const ys = [5, 1, 9, 4, 3, 7];
    const pts = decimateColumns(6, (i) => i * 0.1, (i) => ys[i]);
    expect(pts.map((p) => p.y)).toEqual([5, 1, 9, 7]);
  });
  it('turns non-finite values into one gap', () => {
    const ys = [1, NaN, Infinity, 2];
    const pts = decimateColumns(4, (i) => i * 10, (i) => ys[i]);
    expect(pts.map((p) => p.y)).toEqual([1, NaN, 2]);
  });
});

describe('marks and divergence', () => {
  it('keeps the last mark per step, sorted', () => {
    expect(dedupeMarks([{ step: 5, lr: 1 }, { step: 2, lr: 2 }, { step: 5, lr: 3 }])).toEqual([{ step: 2, lr: 2 }, { step: 5, lr: 3 }]);
  });
  it('finds the first non-finite loss', () => {
    expect(firstNonFinite([{ l: 1 }, { l: NaN }, { l: 2 }], (x) => x.l)).toBe(1);
    expect(firstNonFinite([{ l: 1 }], (x) => x.l)).toBe(-1);
  });
});

describe('markerColumns', () => {
  it('marks finite values above the top, one per column', () => {
    const v = [1, 9, 9, NaN, Infinity, 1, 9];
    expect(markerColumns(v.length, (i) => i * 2, (i) => v[i], 5, 6)).toEqual([2, 12]);
    expect(markerColumns(v.length, (i) => i * 10, (i) => v[i], 5, 6)).toEqual([10, 20, 60]);
    expect(markerColumns(v.length, (i) => i * 10, (i) => v[i], 9, 6)).toEqual([]);
  });
});
