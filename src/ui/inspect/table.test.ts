import { describe, expect, it } from 'vitest';
import type { AblationRow, Unit } from '../../core/inspect';
import { DEFAULT_SORT, deltaBar, formatDelta, formatValue, maxAbsDelta, nextSort, sortRows } from './table';

const row = (unit: Unit, loss: number, name = ''): AblationRow => ({ unit, name, loss, delta: loss - 1 });
const rows: AblationRow[] = [
  row({ layer: 1, head: 0 }, 1.5, 'L2 H1'),
  row({ layer: 0, part: 'mlp' }, 3, 'L1 MLP'),
  row({ layer: 0, head: 1 }, 0.9, 'L1 H2'),
  row({ layer: 0, head: 0 }, 1.5, 'L1 H1'),
  row({ layer: 0, part: 'attn' }, NaN, 'L1 attention'),
];
const names = (r: AblationRow[]) => r.map((x) => x.name);

describe('sortRows', () => {
  it('sorts by Δ loss, largest first, NaN last, ties in the model order', () => {
    expect(names(sortRows(rows, DEFAULT_SORT))).toEqual(['L1 MLP', 'L1 H1', 'L2 H1', 'L1 H2', 'L1 attention']);
    expect(names(sortRows(rows, { key: 'delta', dir: 'ascending' }))).toEqual(['L1 H2', 'L1 H1', 'L2 H1', 'L1 MLP', 'L1 attention']);
  });
  it('sorts by unit in the model order: layer, heads, attention, MLP', () => {
    expect(names(sortRows(rows, { key: 'unit', dir: 'ascending' }))).toEqual(['L1 H1', 'L1 H2', 'L1 attention', 'L1 MLP', 'L2 H1']);
    expect(names(sortRows(rows, { key: 'unit', dir: 'descending' }))).toEqual(['L2 H1', 'L1 MLP', 'L1 attention', 'L1 H2', 'L1 H1']);
  });
  it('leaves the rows it was given alone', () => {
    const before = names(rows);
    sortRows(rows, { key: 'loss', dir: 'ascending' });
    expect(names(rows)).toEqual(before);
  });
});

describe('nextSort', () => {
  it('turns the order round on the same column, and starts a new one at its natural end', () => {
    expect(nextSort({ key: 'delta', dir: 'descending' }, 'delta')).toEqual({ key: 'delta', dir: 'ascending' });
    expect(nextSort({ key: 'delta', dir: 'descending' }, 'unit')).toEqual({ key: 'unit', dir: 'ascending' });
    expect(nextSort({ key: 'unit', dir: 'ascending' }, 'loss')).toEqual({ key: 'loss', dir: 'descending' });
  });
});

describe('deltaBar', () => {
  it('grows right of the middle for a worse loss and left for a better one, the largest filling half', () => {
    expect(deltaBar(2, 2)).toEqual({ left: 50, width: 50 });
    expect(deltaBar(1, 2)).toEqual({ left: 50, width: 25 });
    expect(deltaBar(-1, 2)).toEqual({ left: 25, width: 25 });
  });
  it('draws nothing for NaN or an all-zero table', () => {
    expect(deltaBar(NaN, 2)).toEqual({ left: 50, width: 0 });
    expect(deltaBar(0, 0)).toEqual({ left: 50, width: 0 });
  });
  it('scales by the largest finite |Δ|', () => {
    expect(maxAbsDelta(rows)).toBe(2);
    expect(maxAbsDelta([])).toBe(0);
  });
});

describe('number formats', () => {
  it('writes Δ with its sign and a true minus', () => {
    expect(formatDelta(0.1234)).toBe('+0.123');
    expect(formatDelta(-0.01)).toBe('−0.010');
    expect(formatDelta(0.0001)).toBe('0.000');
    expect(formatDelta(NaN)).toBe('–');
  });
  it('writes activations with fewer decimals as they grow', () => {
    expect(formatValue(0.8432)).toBe('0.84');
    expect(formatValue(-12.34)).toBe('−12.3');
    expect(formatValue(123.4)).toBe('123');
    expect(formatValue(-0.001)).toBe('0.00');
  });
});
