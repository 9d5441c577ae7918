// The run store on the browser's real IndexedDB (no fakes, except the factories that stand in
// for a browser without one). Each test uses its own database and deletes it afterwards.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config';
import { DEFAULT_TRAIN } from '../core/settings';
import { Rng } from '../core/rng';
import { testSeed } from '../engine/testing/seed';
import { uniqueName } from '../engine/testing/unique';
import { DEFAULT_DEMO_SAMPLE, DEMO_FORMAT, DEMO_VERSION, type DemoState } from './demo';
import {
  CorruptRunError,
  RUNS_DB_NAME,
  STORE,
  StorageQuotaError,
  StorageUnavailableError,
  mapStorageError,
  openRunStore,
  type RunStore,
  type SavedRun,
} from './runs';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanups.length) await cleanups.pop()!();
});

const deleteDb = (name: string) =>
  new Promise<void>((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
  });

async function freshStore(): Promise<{ store: RunStore; name: string }> {
  const name = uniqueName('runs-test');
  const store = await openRunStore({ name });
  cleanups.push(async () => {
    store.close();
    await deleteDb(name);
  });
  return { store, name };
}

function rawOpen(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
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

function makeRun(rng: Rng, id: string, over: Partial<SavedRun> = {}): SavedRun {
  const n = 1000 + rng.int(5000);
  const rand = () => Float32Array.from({ length: n }, () => rng.normal());
  return {
    id,
    name: `run ${id}`,
    updatedAt: 1_700_000_000_000 + rng.int(1e9),
    demo: demo(`corpus of ${id} ` + 'x'.repeat(rng.int(2000))),
    step: rng.int(10_000),
    params: rand(),
    adam: { m: rand(), v: rand().map(Math.abs) },
    history: { steps: [{ step: 1, loss: rng.random() * 4 }], evals: [{ step: 0, train: 4.2, val: 4.3 }] },
    samples: ['first sample', 'ünïcødé ☃'],
    ...over,
  };
}

describe('run store round trip', () => {
  it('saves, lists, loads, renames and removes runs', async () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const { store } = await freshStore();
    expect(await store.list()).toEqual([]);
    const a = makeRun(rng, 'a', { updatedAt: 1000 });
    const b = makeRun(rng, 'b', { updatedAt: 2000, params: undefined, adam: undefined });
    expect(await store.save(a, 0)).toBe(1);
    expect(await store.save(b, 0)).toBe(1);

    const list = await store.list();
    expect(list.map((s) => s.id), `seed ${seed}`).toEqual(['b', 'a']); // most recent first
    expect(list[1]).toMatchObject({ id: 'a', name: 'run a', updatedAt: 1000, revision: 1, step: a.step, model: a.demo.model, tokenizer: { kind: 'char' }, hasWeights: true, hasOptimizer: true });
    const json = new TextEncoder().encode(JSON.stringify({ id: 'a', demo: a.demo, history: a.history, samples: a.samples })).length;
    expect(list[1].bytes).toBe(3 * a.params!.byteLength + json);
    expect(list[0]).toMatchObject({ hasWeights: false, hasOptimizer: false });

    const loaded = await store.load('a');
    expect(loaded, `seed ${seed}`).toEqual({ ...a, revision: 1 });
    expect(loaded!.params).toBeInstanceOf(Float32Array);
    expect(loaded!.params).not.toBe(a.params);
    expect(await store.load('b')).toEqual({ ...b, revision: 1 });
    expect(await store.load('nope')).toBeNull();

    await store.rename('a', 'Shakespeare, 2 layers');
    // A rename is not a save: the revision stays, so the tab training the run can still save it.
    expect((await store.list())[1]).toMatchObject({ name: 'Shakespeare, 2 layers', updatedAt: 1000, revision: 1 });
    expect((await store.load('a'))!.name).toBe('Shakespeare, 2 layers');
    await expect(store.rename('nope', 'x')).rejects.toThrow(/no saved run with id nope/);

    // Saving again replaces the run whole: dropping the weights drops them from the store.
    expect(await store.save({ ...a, params: undefined, adam: undefined, step: a.step + 1 }, 1)).toBe(2);
    const again = await store.load('a');
    expect(again!.revision).toBe(2);
    expect(again!.params).toBeUndefined();
    expect(again!.step).toBe(a.step + 1);

    await store.remove('a');
    expect((await store.list()).map((s) => s.id)).toEqual(['b']);
    expect(await store.load('a')).toBeNull();
    await store.remove('a'); // absent: no-op
  });

  it('stores weights as ArrayBuffers (not JSON), copies views, and keeps them apart from the summary', async () => {
    const rng = new Rng(testSeed());
    const { store, name } = await freshStore();
    const big = Float32Array.from({ length: 4096 }, () => rng.normal());
    const run = makeRun(rng, 'v', { params: big.subarray(100, 300), adam: undefined });
    const expected = run.params!.slice();
    await store.save(run, 0);
    big.fill(0); // the store must have copied
    const db = await rawOpen(name);
    cleanups.push(() => db.close());
    const get = (s: string) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const req = db.transaction(s).objectStore(s).get('v');
        req.onsuccess = () => resolve(req.result as Record<string, unknown>);
      });
    const w = await get(STORE.weights);
    expect(w.params).toBeInstanceOf(ArrayBuffer);
    expect((w.params as ArrayBuffer).byteLength).toBe(200 * 4);
    expect(w.adamM).toBeNull();
    const summary = await get(STORE.summaries);
    expect(Object.keys(summary)).not.toContain('params');
    expect(Object.keys(summary)).not.toContain('demo');
    expect((await store.load('v'))!.params).toEqual(expected);
  });

  it('list() touches only the summaries store', async () => {
    const rng = new Rng(testSeed());
    const { store } = await freshStore();
    for (const id of ['x', 'y', 'z']) await store.save(makeRun(rng, id), 0);
    const scopes: string[] = [];
    const reads: string[] = [];
    const tx = IDBDatabase.prototype.transaction;
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, names, ...rest) {
      scopes.push(...(typeof names === 'string' ? [names] : Array.from(names)));
      return tx.call(this, names, ...rest);
    });
    for (const method of ['get', 'getAll', 'openCursor', 'getAllKeys'] as const) {
      const orig = IDBObjectStore.prototype[method] as (...a: unknown[]) => IDBRequest;
      vi.spyOn(IDBObjectStore.prototype, method).mockImplementation(function (this: IDBObjectStore, ...args: unknown[]) {
        reads.push(this.name);
        return orig.apply(this, args);
      } as never);
    }
    expect((await store.list()).length).toBe(3);
    expect(scopes).toEqual([STORE.summaries]);
    expect(reads).toEqual([STORE.summaries]);
    // The spies see loads, so their silence above means something.
    await store.load('x');
    expect(reads).toContain(STORE.weights);
  });

  it('remembers the last active run across connections and forgets it when deleted', async () => {
    const rng = new Rng(testSeed());
    const { store, name } = await freshStore();
    expect(await store.getLastActiveId()).toBeNull();
    await store.save(makeRun(rng, 'r1'), 0);
    await store.save(makeRun(rng, 'r2'), 0);
    await store.setLastActiveId('r1');
    const other = await openRunStore({ name });
    cleanups.push(() => other.close());
    expect(await other.getLastActiveId()).toBe('r1');
    await store.remove('r2');
    expect(await store.getLastActiveId()).toBe('r1');
    await store.remove('r1');
    expect(await store.getLastActiveId()).toBeNull();
    await store.setLastActiveId('r9');
    await store.setLastActiveId(null);
    expect(await store.getLastActiveId()).toBeNull();
  });

  it('uses the "gpt-playground" database by default', async () => {
    const store = await openRunStore();
    cleanups.push(async () => {
      store.close();
      await deleteDb(RUNS_DB_NAME);
    });
    await store.setLastActiveId('default-db');
    const db = await rawOpen(RUNS_DB_NAME);
    expect(Array.from(db.objectStoreNames).sort()).toEqual(Object.values(STORE).sort());
    db.close();
  });

  it('a damaged record is reported, not returned', async () => {
    const rng = new Rng(testSeed());
    const { store, name } = await freshStore();
    await store.save(makeRun(rng, 'd'), 0);
    const db = await rawOpen(name);
    cleanups.push(() => db.close());
    await new Promise<void>((resolve) => {
      const tx = db.transaction(STORE.bodies, 'readwrite');
      tx.objectStore(STORE.bodies).put({ id: 'd', demo: { format: 'something else' }, history: { steps: [], evals: [] }, samples: [] });
      tx.oncomplete = () => resolve();
    });
    await expect(store.load('d')).rejects.toThrow(CorruptRunError);
    await expect(store.load('d')).rejects.toThrow(/“run d” is damaged \(not a GPT Playground demo\)/);
  });
});

describe('run store errors', () => {
  it('maps quota errors, with the size and a way out', () => {
    const quota = mapStorageError(new DOMException('The quota has been exceeded.', 'QuotaExceededError'), { bytes: 12_345_678 });
    expect(quota).toBeInstanceOf(StorageQuotaError);
    expect(quota.message).toBe('Not enough storage space to save this run (it needs about 12 MiB). Delete old saved runs to make room, then save again.');
    expect(mapStorageError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBeInstanceOf(StorageQuotaError);
    // By name alone (a transaction's error as some engines report it), and by legacy code 22 alone.
    expect(mapStorageError(Object.assign(new Error('full'), { name: 'QuotaExceededError' }))).toBeInstanceOf(StorageQuotaError);
    expect(mapStorageError(new DOMException('full', 'QuotaExceededError')).message).not.toMatch(/needs about/); // size unknown
    expect(mapStorageError(new DOMException('closing', 'InvalidStateError'))).toBeInstanceOf(StorageUnavailableError);
    const other = new TypeError('a bug');
    expect(mapStorageError(other)).toBe(other);
    expect(mapStorageError(new DOMException('x', 'DataCloneError')).name).toBe('DataCloneError');
  });

  it('a quota error during save becomes StorageQuotaError and writes nothing', async () => {
    const rng = new Rng(testSeed());
    const { store } = await freshStore();
    const run = makeRun(rng, 'q');
    const put = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: [unknown, IDBValidKey?]) {
      if (this.name === STORE.weights) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    });
    const err = await store.save(run, 0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect((err as StorageQuotaError).bytes).toBeGreaterThan(3 * run.params!.byteLength);
    expect((err as Error).message).toMatch(/it needs about [\d.]+ KiB\)\. Delete old saved runs/);
    vi.restoreAllMocks();
    expect(await store.list()).toEqual([]); // the summary and body puts were rolled back
    await store.save(run, 0); // and the store still works (the refused save wrote no revision)
    expect((await store.list()).length).toBe(1);
  });

  it('no IndexedDB, a refused open, or an error opening gives StorageUnavailableError', async () => {
    await expect(openRunStore({ factory: undefined })).rejects.toThrow(StorageUnavailableError);
    await expect(openRunStore({ factory: undefined })).rejects.toThrow(/Saved runs are not available.*IndexedDB is missing.*You can still train/);
    const throwing = { open: () => { throw new DOMException('The operation is insecure.', 'SecurityError'); } } as unknown as IDBFactory;
    await expect(openRunStore({ factory: throwing })).rejects.toThrow(/SecurityError: The operation is insecure/);
    const failing = {
      open() {
        const req = { error: new DOMException('Internal error opening backing store', 'UnknownError') } as unknown as IDBOpenDBRequest;
        setTimeout(() => req.onerror?.call(req, new Event('error')), 0);
        return req;
      },
    } as unknown as IDBFactory;
    await expect(openRunStore({ factory: failing })).rejects.toThrow(/UnknownError: Internal error opening backing store/);
  });

  it('an upgrade blocked by another open connection gives StorageUnavailableError', async () => {
    const name = uniqueName('runs-test-blocked');
    // Someone else created the database without our stores and keeps it open, ignoring versionchange.
    const other = await rawOpen(name);
    let closed = false;
    cleanups.push(async () => {
      if (!closed) other.close();
      await deleteDb(name);
    });
    await expect(openRunStore({ name })).rejects.toThrow(/another GPT Playground tab/);
    other.close();
    closed = true;
    const store = await openRunStore({ name }); // once it is closed, the upgrade goes through
    store.close();
  });
});
