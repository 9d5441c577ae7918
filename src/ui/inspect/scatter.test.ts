import { describe, expect, it } from 'vitest';
import { axisTitle, nearestPoint, placeLabels, scatterFrame, toPixel } from './scatter';

const plot = { left: 10, top: 20, width: 100, height: 50 };

describe('scatterFrame and toPixel', () => {
  it('fits each axis into the plot with 5% to spare, y upwards', () => {
    const f = scatterFrame([{ x: 0, y: 0 }, { x: 10, y: 1 }], plot);
    expect(f.xMin).toBeCloseTo(-0.5);
    expect(f.xMax).toBeCloseTo(10.5);
    const lo = toPixel(f, { x: 0, y: 0 });
    const hi = toPixel(f, { x: 10, y: 1 });
    expect(lo.x).toBeCloseTo(10 + 100 * (0.5 / 11));
    expect(hi.x).toBeCloseTo(110 - 100 * (0.5 / 11));
    expect(lo.y).toBeGreaterThan(hi.y); // the larger y is drawn higher
    expect(lo.y).toBeCloseTo(20 + 50 * (1 - 0.05 / 1.1));
  });
  it('gives a single point (or none) a range of its own', () => {
    const f = scatterFrame([{ x: 3, y: 3 }], plot);
    const p = toPixel(f, { x: 3, y: 3 });
    expect(p.x).toBeCloseTo(60);
    expect(p.y).toBeCloseTo(45);
    expect(scatterFrame([], plot)).toMatchObject({ xMin: -1, xMax: 1 });
    expect(scatterFrame([{ x: NaN, y: 1 }, { x: 1, y: 2 }], plot).xMin).toBeLessThan(1);
  });
});

describe('nearestPoint', () => {
  const pts = [{ x: 0, y: 0 }, { x: 10, y: 1 }];
  const f = scatterFrame(pts, plot);
  it('finds the point drawn nearest the pointer, within reach', () => {
    const a = toPixel(f, pts[0]);
    const b = toPixel(f, pts[1]);
    expect(nearestPoint(f, pts, a.x + 2, a.y, 8)).toBe(0);
    expect(nearestPoint(f, pts, b.x, b.y - 3, 8)).toBe(1);
    expect(nearestPoint(f, pts, (a.x + b.x) / 2, (a.y + b.y) / 2, 8)).toBe(-1);
  });
});

describe('placeLabels', () => {
  const canvas = { width: 200, height: 100 };
  it('skips a label that would overlap one placed before it, or leave the canvas', () => {
    const at = [{ x: 50, y: 50 }, { x: 55, y: 52 }, { x: 120, y: 50 }, { x: 2, y: 50 }, { x: 100, y: 5 }];
    expect(placeLabels(at, [20, 20, 20, 20, 20], 10, canvas)).toEqual([true, false, true, false, false]);
  });
});

describe('axisTitle', () => {
  it('names the component and the share of the variance it holds', () => {
    expect(axisTitle(1, 0.234)).toBe('PC1 · 23% of the variance');
    expect(axisTitle(2, NaN)).toBe('PC2');
  });
});
