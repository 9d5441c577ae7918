import { describe, expect, it } from 'vitest';
import { GRID, cellAt, devicePixels, focusLayout, headGridLayout, isAllowed, labelStride, moveCursor, showsLabel } from './layout';

describe('head grid layout', () => {
  it('fills a wide container up to the largest tile', () => {
    const g = headGridLayout(1100, 4);
    expect(g.tile).toBe(GRID.maxTile);
    expect(g.scroll).toBe(false);
  });

  it('shrinks tiles to fit a phone, keeping the row within the container', () => {
    const g = headGridLayout(320, 4);
    expect(g.tile).toBe(Math.floor((320 - GRID.labelWidth - 4 * GRID.gap) / 4));
    expect(g.width).toBeLessThanOrEqual(320);
    expect(g.scroll).toBe(false);
  });

  it('keeps a readable minimum and scrolls when many heads do not fit', () => {
    const g = headGridLayout(320, 12);
    expect(g.tile).toBe(GRID.minTile);
    expect(g.scroll).toBe(true);
    expect(g.width).toBe(GRID.labelWidth + 12 * (GRID.minTile + GRID.gap));
  });

  it('survives zero heads and a zero width', () => {
    expect(headGridLayout(0, 0).tile).toBe(GRID.minTile);
  });
});

describe('focus layout', () => {
  it('is capped on a wide screen and labels every token when cells are large', () => {
    const f = focusLayout(1200, 8);
    expect(f.size).toBe(520);
    expect(f.cell).toBe(65);
    expect(f.labelStride).toBe(1);
  });

  it('thins labels so they stay at least 14 px apart', () => {
    const f = focusLayout(358, 64);
    expect(f.size).toBe(358 - 64 - 8);
    expect(f.cell * f.labelStride).toBeGreaterThanOrEqual(14);
    expect(f.cell * (f.labelStride - 1)).toBeLessThan(14);
  });

  it('never goes below its minimum size', () => {
    expect(focusLayout(100, 4).size).toBe(160);
  });

  it('strides by 1 for non-positive cells and always shows highlighted labels', () => {
    expect(labelStride(0, 14)).toBe(1);
    expect(labelStride(7, 14)).toBe(2);
    expect(showsLabel(3, 2, [])).toBe(false);
    expect(showsLabel(3, 2, [null, 3])).toBe(true);
    expect(showsLabel(4, 2, [])).toBe(true);
  });
});

describe('hit testing', () => {
  it('maps a point to its row (query) and column (key)', () => {
    expect(cellAt(0, 0, 100, 4)).toEqual({ row: 0, col: 0 });
    expect(cellAt(99.9, 25, 100, 4)).toEqual({ row: 1, col: 3 });
    expect(cellAt(50, 74.99, 100, 4)).toEqual({ row: 2, col: 2 });
  });

  it('returns null outside the plot', () => {
    expect(cellAt(-1, 10, 100, 4)).toBeNull();
    expect(cellAt(10, 100, 100, 4)).toBeNull();
    expect(cellAt(10, 10, 0, 4)).toBeNull();
    expect(cellAt(10, 10, 100, 0)).toBeNull();
  });
});

describe('keyboard cursor', () => {
  it('moves by arrows and stays inside the map', () => {
    expect(moveCursor({ row: 0, col: 0 }, 'ArrowUp', 4)).toEqual({ row: 0, col: 0 });
    expect(moveCursor({ row: 0, col: 0 }, 'ArrowDown', 4)).toEqual({ row: 1, col: 0 });
    expect(moveCursor({ row: 3, col: 3 }, 'ArrowRight', 4)).toEqual({ row: 3, col: 3 });
    expect(moveCursor({ row: 3, col: 3 }, 'ArrowLeft', 4)).toEqual({ row: 3, col: 2 });
  });

  it('jumps with Home/End along the row and PageUp/PageDown along the column', () => {
    expect(moveCursor({ row: 2, col: 1 }, 'End', 5)).toEqual({ row: 2, col: 4 });
    expect(moveCursor({ row: 2, col: 1 }, 'Home', 5)).toEqual({ row: 2, col: 0 });
    expect(moveCursor({ row: 2, col: 1 }, 'PageDown', 5)).toEqual({ row: 4, col: 1 });
    expect(moveCursor({ row: 2, col: 1 }, 'PageUp', 5)).toEqual({ row: 0, col: 1 });
  });

  it('ignores other keys', () => {
    expect(moveCursor({ row: 0, col: 0 }, 'Enter', 4)).toBeNull();
    expect(moveCursor({ row: 0, col: 0 }, 'a', 4)).toBeNull();
  });
});

describe('mask and pixels', () => {
  it('lets a query see itself and the past only when causal', () => {
    expect(isAllowed(2, 2, true)).toBe(true);
    expect(isAllowed(2, 1, true)).toBe(true);
    expect(isAllowed(2, 3, true)).toBe(false);
    expect(isAllowed(2, 3, false)).toBe(true);
  });

  it('converts CSS to device pixels', () => {
    expect(devicePixels(100, 2)).toBe(200);
    expect(devicePixels(100, 1.25)).toBe(125);
    expect(devicePixels(0, 2)).toBe(1);
    expect(devicePixels(10, 0)).toBe(10);
  });
});
