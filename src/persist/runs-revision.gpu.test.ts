// The run store's revision check on the browser's real IndexedDB: a save states the revision
// it was based on and is refused (StaleRunError, nothing written) when the stored one moved
// on, including when two connections (two tabs) race; runs saved before revisions existed
// read as revision 0 and can still be saved.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config';
import { DEFAULT_TRAIN } from '../core/settings';
import { uniqueName } from '../engine/testing/unique';
import { DEFAULT_DEMO_SAMPLE, DEMO_FORMAT, DEMO_VERSION, type DemoState } from './demo';
import { STORE, StaleRunError, openRunStore, type RunStore, type SavedRun } from './runs';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const deleteDb = (name: string) =>
  new Promise<void>((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
  });

/** Two connections to one fresh database: what two tabs have. */
async function twoTabs(): Promise<{ a: RunStore; b: RunStore; name: string }> {
  const name = uniqueName('runs-revision-test');
  const a = await openRunStore({ name });
  const b = await openRunStore({ name });
  cleanups.push(async () => {
    a.close();
    b.close();
    await deleteDb(name);
  });
  return { a, b, name };
}

function demo(text: string): DemoState {
  const { vocabSize: _v, ...model } = { ...DEFAULT_CONFIG, nLayer: 1, nEmbd: 16, nHead: 2, blockSize: 8 };
  return {
    format: DEMO_FORMAT,
    version: DEMO_VERSION,
    corpus: { source: { kind: 'paste' }, text },
    tokenizer: { kind: 'char' },
    model,
    train: { ...DEFAULT_TRAIN, blockSize: 8 },
    sample: { ...DEFAULT_DEMO_SAMPLE },
  };
}

function run(id: string, step: number, fill: number): SavedRun {
  return {
    id,
    name: `run ${id}`,
    updatedAt: 1_700_000_000_000 + step,
    demo: demo(`text at step ${step}`),
    step,
    params: new Float32Array(64).fill(fill),
    adam: { m: new Float32Array(64).fill(fill / 2), v: new Float32Array(64).fill(fill / 4) },
    history: { steps: [{ step, loss: 3 }], evals: [] },
    samples: [`sample at ${step}`],
  };
}

describe('run revisions', () => {
  it('counts saves, and refuses a save based on an older revision without writing anything', async () => {
    const { a } = await twoTabs();
    expect(await a.save(run('r', 1, 1), 0)).toBe(1);
    expect(await a.save(run('r', 2, 2), 1)).toBe(2);
    expect((await a.list())[0].revision).toBe(2);

    const err = await a.save(run('r', 99, 99), 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StaleRunError);
    expect(err).toMatchObject({ name: 'StaleRunError', runId: 'r', basedOn: 1, stored: 2, storedAt: 1_700_000_000_002 });
    expect((err as Error).message).toMatch(/Another tab saved this run \(revision 2\) after the revision this save was based on \(1\)/);
    // Whole: the summary, the body and the weights are all still revision 2's.
    const kept = await a.load('r');
    expect(kept).toMatchObject({ revision: 2, step: 2, samples: ['sample at 2'] });
    expect(kept!.params![0]).toBe(2);
    expect(kept!.adam!.m[0]).toBe(1);
    // A save based on a revision from the future is refused too: only an exact match writes.
    await expect(a.save(run('r', 3, 3), 5)).rejects.toThrow(StaleRunError);
  });

  it('of two tabs saving on the same revision at once, exactly one wins and the other is told', async () => {
    const { a, b } = await twoTabs();
    await a.save(run('shared', 1, 1), 0);
    const base = (await b.load('shared'))!.revision;
    const results = await Promise.allSettled([a.save(run('shared', 10, 10), base), b.save(run('shared', 20, 20), base)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(StaleRunError);
    expect((lost[0].reason as StaleRunError).stored).toBe(2);
    const stored = (await a.load('shared'))!;
    expect(stored.revision).toBe(2);
    // The stored run is the winner's, whole: never a mix of the two saves.
    const winner = results[0].status === 'fulfilled' ? 10 : 20;
    expect(stored.step).toBe(winner);
    expect(stored.params![0]).toBe(winner);
    expect(stored.samples).toEqual([`sample at ${winner}`]);
  });

  it('a new run (based on 0) may not replace an existing one; a deleted run may not be saved over', async () => {
    const { a, b } = await twoTabs();
    await a.save(run('x', 1, 1), 0);
    await expect(b.save(run('x', 2, 2), 0)).rejects.toMatchObject({ name: 'StaleRunError', basedOn: 0, stored: 1 });
    await b.remove('x');
    const err = (await a.save(run('x', 3, 3), 1).catch((e: unknown) => e)) as StaleRunError;
    expect(err).toBeInstanceOf(StaleRunError);
    expect(err).toMatchObject({ stored: null, storedAt: null });
    expect(err.message).toMatch(/deleted/);
    expect(await a.load('x')).toBeNull();
  });

  it('rejects a revision that is not a whole number ≥ 0', async () => {
    const { a } = await twoTabs();
    await expect(a.save(run('n', 1, 1), -1)).rejects.toThrow(/whole number/);
    await expect(a.save(run('n', 1, 1), 0.5)).rejects.toThrow(/whole number/);
    expect(await a.list()).toEqual([]);
  });

  it('reads runs saved before revisions existed as revision 0, and saves them on from there', async () => {
    const { a, name } = await twoTabs();
    await a.save(run('old', 7, 7), 0);
    // Rewrite the summary as an older build stored it: no revision field.
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    cleanups.push(() => db.close());
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE.summaries, 'readwrite');
      const store = tx.objectStore(STORE.summaries);
      const req = store.get('old');
      req.onsuccess = () => {
        const { revision: _r, ...legacy } = req.result as Record<string, unknown>;
        store.put(legacy);
      };
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    expect((await a.list())[0]).toMatchObject({ id: 'old', revision: 0, step: 7 });
    const loaded = await a.load('old');
    expect(loaded).toMatchObject({ revision: 0, step: 7 });
    await expect(a.save(run('old', 8, 8), 1)).rejects.toThrow(StaleRunError);
    expect(await a.save(run('old', 8, 8), loaded!.revision)).toBe(1);
    expect(await a.load('old')).toMatchObject({ revision: 1, step: 8 });
  });
});
