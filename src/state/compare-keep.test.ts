import { afterEach, describe, expect, it } from 'vitest';
import { addComparedRun, clearComparedRuns, compareStore, type ComparedRun } from './compare';
import { COMPARE_KEY, KEEP_MAX_POINTS, KEEP_MAX_RUNS, keepComparedRuns, parseComparedRuns, serializeComparedRuns, thin, type KeepStorage } from './compare-keep';

/** A storage in memory, like one tab's sessionStorage. */
function memory(): KeepStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const run = (id: string, n: number): ComparedRun => ({
  id,
  label: `label ${id}`,
  steps: Array.from({ length: n }, (_, i) => ({ step: i + 1, loss: 3 - i / n })),
  evals: Array.from({ length: Math.ceil(n / 10) }, (_, i) => ({ step: (i + 1) * 10, train: 2.5 - i / n, val: 2.6 - i / n })),
});

afterEach(() => clearComparedRuns());

describe('thin', () => {
  it('keeps a short series as it is and a long one to about max points, first and last included', () => {
    expect(thin([1, 2, 3], 5)).toEqual([1, 2, 3]);
    const xs = Array.from({ length: 10_001 }, (_, i) => i);
    const t = thin(xs, 2000);
    expect(t.length).toBeLessThanOrEqual(2001);
    expect(t.length).toBeGreaterThan(1000);
    expect(t[0]).toBe(0);
    expect(t.at(-1)).toBe(10_000);
    expect(t.every((x, i) => i === 0 || x > t[i - 1])).toBe(true);
  });
});

describe('kept compared runs', () => {
  it('round-trips runs, thinned, and at most KEEP_MAX_RUNS of the newest', () => {
    const runs = Array.from({ length: KEEP_MAX_RUNS + 2 }, (_, i) => run(`r${i}`, i === 0 ? 3 * KEEP_MAX_POINTS : 20));
    const back = parseComparedRuns(serializeComparedRuns(runs));
    expect(back.map((r) => r.id)).toEqual(runs.slice(-KEEP_MAX_RUNS).map((r) => r.id));
    expect(back[0]).toEqual(runs[2]);
    const long = parseComparedRuns(serializeComparedRuns([runs[0]]))[0];
    expect(long.steps.length).toBeLessThanOrEqual(KEEP_MAX_POINTS + 1);
    expect(long.steps.at(-1)).toEqual(runs[0].steps.at(-1));
  });

  it('drops what is not a run, and points that are not finite numbers', () => {
    expect(parseComparedRuns(null)).toEqual([]);
    expect(parseComparedRuns('{not json')).toEqual([]);
    expect(parseComparedRuns('{"id":"x"}')).toEqual([]);
    const raw = JSON.stringify([
      { id: 'a', label: 'A', steps: [{ step: 1, loss: 2 }, { step: 2, loss: null }, { step: 'x', loss: 1 }, 7], evals: [{ step: 1, train: 1, val: 1 }, { step: 2, train: 1 }] },
      { id: 3, label: 'B', steps: [], evals: [] },
      null,
      { id: 'c', label: 'C', steps: {}, evals: [] },
    ]);
    expect(parseComparedRuns(raw)).toEqual([{ id: 'a', label: 'A', steps: [{ step: 1, loss: 2 }], evals: [{ step: 1, train: 1, val: 1 }] }]);
  });

  it('writes every change, puts the runs back after a reload, and forgets them when the chart is cleared', () => {
    const storage = memory();
    const stop = keepComparedRuns(storage);
    addComparedRun(run('a', 30));
    addComparedRun(run('b', 40));
    expect(parseComparedRuns(storage.data.get(COMPARE_KEY) ?? null).map((r) => r.id)).toEqual(['a', 'b']);
    stop();
    // The reload: an empty chart, then the kept runs come back.
    clearComparedRuns();
    const stop2 = keepComparedRuns(storage);
    expect(compareStore.getState().runs).toEqual([run('a', 30), run('b', 40)]);
    clearComparedRuns();
    expect(storage.data.has(COMPARE_KEY)).toBe(false);
    stop2();
  });

  it('a storage that throws loses nothing on the page: the chart keeps its runs', () => {
    const throwing: KeepStorage = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => {
        throw new Error('blocked');
      },
    };
    const stop = keepComparedRuns(throwing);
    addComparedRun(run('a', 5));
    expect(compareStore.getState().runs.map((r) => r.id)).toEqual(['a']);
    clearComparedRuns();
    stop();
    expect(keepComparedRuns(null)).toBeTypeOf('function');
  });
});
