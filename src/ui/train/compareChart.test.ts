import { describe, expect, it } from 'vitest';
import type { ComparedRun } from '../../state/compare';
import { aboveNote, assignSlots, comparedAt, comparedSummary, SmoothedRuns } from './compareChart';

const run = (id: string, label: string): ComparedRun => ({
  id,
  label,
  steps: [
    { step: 1, loss: 4 },
    { step: 2, loss: 3 },
    { step: 3, loss: 2 },
  ],
  evals: [{ step: 2, train: 3, val: 3.25 }],
});

describe('assignSlots', () => {
  it('gives new runs the free slots in order and keeps slots while others leave', () => {
    const a = assignSlots(new Map(), ['a', 'b', 'c'], 5);
    expect([...a]).toEqual([['a', 0], ['b', 1], ['c', 2]]);
    const b = assignSlots(a, ['a', 'c', 'd'], 5);
    expect([...b]).toEqual([['a', 0], ['c', 2], ['d', 1]]);
  });
  it('reuses the least used slot when there are more runs than colours', () => {
    const s = assignSlots(new Map(), ['a', 'b', 'c', 'd'], 3);
    expect(s.get('d')).toBe(0);
    const t = assignSlots(new Map([['a', 7]]), ['a'], 3); // a slot out of range is reassigned
    expect(t.get('a')).toBe(0);
  });
});

describe('compared runs in words', () => {
  it('reads a run at or before a step', () => {
    const r = run('a', 'no causal mask');
    const smoothed = [4, 3.5, 3];
    expect(comparedAt(r, smoothed, 2)).toBe('no causal mask: 3.500, val 3.250');
    expect(comparedAt(r, smoothed, 1)).toBe('no causal mask: 4.000');
    expect(comparedAt(r, smoothed, 99)).toBe('no causal mask: 3.000, val 3.250');
    expect(comparedAt(r, smoothed, 0)).toBeNull();
  });
  it('summarises where each run ended', () => {
    expect(comparedSummary([])).toBe('');
    expect(comparedSummary([run('a', 'post-LN')])).toBe('Compared with one run: post-LN, train loss 2.000 at step 3, validation loss 3.250.');
    expect(comparedSummary([run('a', 'x'), { ...run('b', 'y'), steps: [], evals: [] }])).toBe(
      'Compared with 2 runs: x, train loss 2.000 at step 3, validation loss 3.250; y, no train loss.',
    );
  });
  it('notes the points above the chart', () => {
    expect(aboveNote({ count: 0, max: -Infinity })).toBe('');
    expect(aboveNote({ count: 1, max: 6e18 })).toBe('1 point above the chart (6e18)');
    expect(aboveNote({ count: 1200, max: 52.5 })).toBe('1,200 points above the chart (up to 52.500)');
  });
});

describe('SmoothedRuns', () => {
  it('smooths a run once and skips spikes', () => {
    const cache = new SmoothedRuns(0.5, 10);
    const steps = [
      { step: 1, loss: 4 },
      { step: 2, loss: 1e9 },
      { step: 3, loss: 2 },
    ];
    const s = cache.of(steps);
    expect(s[1]).toBe(4);
    expect(s[2]).toBeCloseTo((0.25 * 4 + 0.5 * 2) / 0.75);
    expect(cache.of(steps)).toBe(s);
  });
});
