// Saved runs in IndexedDB, so that closing the tab does not lose a training run.
//
// Database "gpt-playground", split by how things are read:
//   run-summaries  {RunSummary}                          list() reads only this: one small record a run
//   run-bodies     {id, demo, history, samples}          the corpus text can be megabytes
//   run-weights    {id, params, adamM, adamV}            ArrayBuffers (structured clone, no JSON):
//                                                         3 × 4 bytes a parameter with Adam state
//   settings       key → value ('lastActiveId')
// A run is written in one transaction over its stores, so it is saved whole or not at all.
//
// Revisions: each summary carries `revision`, 1 after the first save and one more on each
// save. A save names the revision it was based on, and the same transaction that writes it
// first reads the stored revision and refuses (StaleRunError) when they differ, so two tabs
// can never silently overwrite each other. Summaries written before revisions existed have
// none and read as revision 0.
import { parseDemo, type DemoState } from './demo';
import { CorruptRunError, StaleRunError, StorageUnavailableError, mapStorageError } from './runs-errors';

export { CorruptRunError, StaleRunError, StorageQuotaError, StorageUnavailableError, isQuotaError, mapStorageError } from './runs-errors';

export const RUNS_DB_NAME = 'gpt-playground';
export const STORE = { summaries: 'run-summaries', bodies: 'run-bodies', weights: 'run-weights', settings: 'settings' } as const;
const ALL_STORES = Object.values(STORE);
const LAST_ACTIVE_KEY = 'lastActiveId';
// Some Safari versions leave indexedDB.open pending forever; don't wait for it indefinitely.
const OPEN_TIMEOUT_MS = 15_000;

export interface RunHistory {
  steps: { step: number; loss: number }[];
  evals: { step: number; train: number; val: number }[];
}

export interface SavedRun {
  id: string;
  name: string;
  updatedAt: number;
  demo: DemoState;
  step: number;
  params?: Float32Array;
  adam?: { m: Float32Array; v: Float32Array };
  history: RunHistory;
  samples: string[];
}

/** A run as loaded: what was saved, and the revision it was saved at (what the next save is based on). */
export interface LoadedRun extends SavedRun {
  revision: number;
}

export interface RunSummary {
  id: string;
  name: string;
  updatedAt: number;
  /** Saves so far (0 for a run saved before revisions existed). */
  revision: number;
  step: number;
  /** The model's sizes and variants (the vocabulary size comes from the tokenizer). */
  model: DemoState['model'];
  tokenizer: DemoState['tokenizer'];
  hasWeights: boolean;
  hasOptimizer: boolean;
  /** Approximate stored size: weights and Adam state, plus the demo, history and samples as UTF-8 JSON. */
  bytes: number;
}

export interface RunStore {
  /**
   * Writes the run whole, as revision `basedOn + 1`, and resolves with that revision.
   * `basedOn` is the revision this content started from: 0 for a new run, else what load()
   * or the previous save returned. A stored revision that differs (or a run deleted since)
   * rejects with StaleRunError and writes nothing.
   */
  save(run: SavedRun, basedOn: number): Promise<number>;
  /** Every run's summary, most recently updated first; reads no weights, corpus or history. */
  list(): Promise<RunSummary[]>;
  load(id: string): Promise<LoadedRun | null>;
  /** Changes the name only (updatedAt stays: it records training progress). */
  rename(id: string, name: string): Promise<void>;
  /** Deletes the run (no-op if absent) and forgets it as the last active run. */
  remove(id: string): Promise<void>;
  getLastActiveId(): Promise<string | null>;
  setLastActiveId(id: string | null): Promise<void>;
  close(): void;
}

interface BodyRecord {
  id: string;
  demo: DemoState;
  history: RunHistory;
  samples: string[];
}

interface WeightsRecord {
  id: string;
  params: ArrayBuffer;
  adamM: ArrayBuffer | null;
  adamV: ArrayBuffer | null;
}

export interface OpenRunStoreOptions {
  /** The IndexedDB to use; defaults to globalThis.indexedDB. Passing `factory: undefined` means none. */
  factory?: IDBFactory;
  /** Database name, for tests; defaults to "gpt-playground". */
  name?: string;
}

/** Opens (creating or upgrading as needed) the run store. Rejects with StorageUnavailableError. */
export async function openRunStore(opts: OpenRunStoreOptions = {}): Promise<RunStore> {
  const factory = 'factory' in opts ? opts.factory : (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) throw new StorageUnavailableError('IndexedDB is missing');
  const db = await openDatabase(factory, opts.name ?? RUNS_DB_NAME);
  return new IdbRunStore(db);
}

async function openDatabase(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  // Opened at its current version: if the database was created without our stores (by an
  // older build, or another module sharing the name), upgrade once more to add them.
  let db = await openRequest(factory, name, undefined);
  if (ALL_STORES.some((s) => !db.objectStoreNames.contains(s))) {
    const next = db.version + 1;
    db.close();
    db = await openRequest(factory, name, next);
  }
  // Let another tab upgrade the schema instead of blocking it; later calls here then fail
  // with InvalidStateError, which reads as "unavailable: reload".
  db.onversionchange = () => db.close();
  return db;
}

function openRequest(factory: IDBFactory, name: string, version: number | undefined): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (detail: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new StorageUnavailableError(detail));
    };
    const timer = setTimeout(() => fail('opening the database did not finish'), OPEN_TIMEOUT_MS);
    let req: IDBOpenDBRequest;
    try {
      req = version === undefined ? factory.open(name) : factory.open(name, version);
    } catch (e) {
      // Some browsers throw right away (SecurityError) when storage is disabled.
      fail(describe(e));
      return;
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      for (const s of [STORE.summaries, STORE.bodies, STORE.weights]) {
        if (!db.objectStoreNames.contains(s)) db.createObjectStore(s, { keyPath: 'id' });
      }
      if (!db.objectStoreNames.contains(STORE.settings)) db.createObjectStore(STORE.settings);
    };
    req.onsuccess = () => {
      // Success after we gave up (blocked, then the other tab closed): don't leak the connection.
      if (settled) return req.result.close();
      settled = true;
      clearTimeout(timer);
      resolve(req.result);
    };
    req.onerror = (ev) => {
      ev.preventDefault();
      fail(describe(req.error));
    };
    req.onblocked = () => fail('another GPT Playground tab holds an older version of the database open; close it and reload');
  });
}

const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e ?? 'unknown error'));

/**
 * Runs `body` in one transaction; `body` issues its requests synchronously and returns a
 * function that reads their results once the transaction has committed. A request that
 * throws aborts the whole transaction, so nothing is half-written. Request callbacks that
 * decide not to write (or whose writes throw) call `fail`: the transaction is aborted and
 * the promise rejects with that error rather than a bare AbortError.
 */
function transact<T>(
  db: IDBDatabase,
  stores: string[],
  mode: IDBTransactionMode,
  body: (tx: IDBTransaction, fail: (e: unknown) => void) => () => T,
  ctx: { bytes?: number } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let tx: IDBTransaction;
    let finish: () => T;
    let failure: Error | null = null;
    const abort = () => {
      try {
        tx.abort();
      } catch {
        // already finished or aborted: nothing was committed either way
      }
    };
    try {
      tx = db.transaction(stores, mode);
    } catch (e) {
      reject(mapStorageError(e, ctx));
      return;
    }
    const fail = (e: unknown) => {
      failure ??= mapStorageError(e, ctx);
      abort();
    };
    try {
      finish = body(tx, fail);
    } catch (e) {
      abort();
      reject(mapStorageError(e, ctx));
      return;
    }
    tx.oncomplete = () => {
      try {
        resolve(finish());
      } catch (e) {
        reject(e);
      }
    };
    // Quota errors usually arrive here, asynchronously, as the transaction's error.
    tx.onabort = () => reject(failure ?? mapStorageError(tx.error ?? new DOMException('The transaction was aborted', 'AbortError'), ctx));
    tx.onerror = (ev) => ev.preventDefault(); // handled by onabort, which follows
  });
}

const toBuffer = (a: Float32Array): ArrayBuffer => a.slice().buffer; // exactly the view's elements, a copy

/** A stored summary's revision; summaries from before revisions existed have none. */
const revisionOf = (s: Partial<RunSummary>): number => (typeof s.revision === 'number' && Number.isInteger(s.revision) && s.revision >= 0 ? s.revision : 0);

class IdbRunStore implements RunStore {
  constructor(private readonly db: IDBDatabase) {}

  save(run: SavedRun, basedOn: number): Promise<number> {
    if (typeof run.id !== 'string' || run.id === '') return Promise.reject(new Error('save: a run needs a non-empty id'));
    if (!Number.isInteger(basedOn) || basedOn < 0) return Promise.reject(new Error('save: the revision a save is based on is a whole number ≥ 0'));
    if (run.adam && !run.params) return Promise.reject(new Error('save: Adam state without parameters'));
    if (run.adam && run.params && (run.adam.m.length !== run.params.length || run.adam.v.length !== run.params.length)) {
      return Promise.reject(new Error('save: Adam m and v must have as many elements as the parameters'));
    }
    const body: BodyRecord = { id: run.id, demo: run.demo, history: run.history, samples: run.samples };
    const weightBytes = (run.params?.byteLength ?? 0) + (run.adam ? run.adam.m.byteLength + run.adam.v.byteLength : 0);
    const bytes = weightBytes + new TextEncoder().encode(JSON.stringify(body)).length;
    const revision = basedOn + 1;
    const summary: RunSummary = {
      id: run.id,
      name: run.name,
      updatedAt: run.updatedAt,
      revision,
      step: run.step,
      model: run.demo.model,
      tokenizer: run.demo.tokenizer,
      hasWeights: !!run.params,
      hasOptimizer: !!run.adam,
      bytes,
    };
    const weights: WeightsRecord | null = run.params
      ? { id: run.id, params: toBuffer(run.params), adamM: run.adam ? toBuffer(run.adam.m) : null, adamV: run.adam ? toBuffer(run.adam.v) : null }
      : null;
    return transact(
      this.db,
      [STORE.summaries, STORE.bodies, STORE.weights],
      'readwrite',
      (tx, fail) => {
        const summaries = tx.objectStore(STORE.summaries);
        const current = summaries.get(run.id);
        // Compare and write in this one transaction: no other save can land in between.
        current.onsuccess = () => {
          const stored = current.result as Partial<RunSummary> | undefined;
          const storedRevision = stored ? revisionOf(stored) : null;
          // A new run (basedOn 0) may be written where there is none; anything else must match.
          if (storedRevision === null ? basedOn !== 0 : storedRevision !== basedOn) {
            fail(new StaleRunError(run.id, basedOn, storedRevision, stored?.updatedAt ?? null));
            return;
          }
          try {
            summaries.put(summary);
            tx.objectStore(STORE.bodies).put(body);
            // A run saved without weights replaces one that had them: drop the stale ones.
            if (weights) tx.objectStore(STORE.weights).put(weights);
            else tx.objectStore(STORE.weights).delete(run.id);
          } catch (e) {
            // Thrown from a request callback it would abort with a bare AbortError: keep the cause.
            fail(e);
          }
        };
        return () => revision;
      },
      { bytes },
    );
  }

  list(): Promise<RunSummary[]> {
    return transact(this.db, [STORE.summaries], 'readonly', (tx) => {
      const req = tx.objectStore(STORE.summaries).getAll();
      return () => (req.result as RunSummary[]).map((s) => ({ ...s, revision: revisionOf(s) })).sort((a, b) => b.updatedAt - a.updatedAt);
    });
  }

  async load(id: string): Promise<LoadedRun | null> {
    const [summary, body, weights] = await transact(this.db, [STORE.summaries, STORE.bodies, STORE.weights], 'readonly', (tx) => {
      const reqs = [STORE.summaries, STORE.bodies, STORE.weights].map((s) => tx.objectStore(s).get(id));
      return () => reqs.map((r) => r.result as unknown) as [RunSummary | undefined, BodyRecord | undefined, WeightsRecord | undefined];
    });
    if (!summary) return null;
    const damaged = (why: string) => new CorruptRunError(`The saved run “${summary.name}” is damaged (${why}) and cannot be opened; delete it.`);
    if (!body) throw damaged('its demo is missing');
    let demo: DemoState;
    try {
      demo = parseDemo(body.demo);
    } catch (e) {
      throw damaged(e instanceof Error ? e.message : String(e));
    }
    const run: LoadedRun = {
      id,
      name: summary.name,
      updatedAt: summary.updatedAt,
      revision: revisionOf(summary),
      step: summary.step,
      demo,
      history: body.history,
      samples: body.samples,
    };
    if (weights) {
      const f32 = (b: unknown, what: string) => {
        if (!(b instanceof ArrayBuffer) || b.byteLength % 4 !== 0) throw damaged(`its ${what} are not float32 data`);
        return new Float32Array(b);
      };
      run.params = f32(weights.params, 'parameters');
      if (weights.adamM || weights.adamV) {
        const m = f32(weights.adamM, 'optimizer moments');
        const v = f32(weights.adamV, 'optimizer moments');
        if (m.length !== run.params.length || v.length !== run.params.length) throw damaged('its optimizer state does not match its parameters');
        run.adam = { m, v };
      }
    }
    return run;
  }

  rename(id: string, name: string): Promise<void> {
    return transact(this.db, [STORE.summaries], 'readwrite', (tx) => {
      const store = tx.objectStore(STORE.summaries);
      const req = store.get(id);
      let found = false;
      // Read and write in the same transaction, so a concurrent save cannot slip in between.
      req.onsuccess = () => {
        const s = req.result as RunSummary | undefined;
        if (!s) return;
        found = true;
        store.put({ ...s, name });
      };
      return () => {
        if (!found) throw new Error(`There is no saved run with id ${id}.`);
      };
    });
  }

  remove(id: string): Promise<void> {
    return transact(this.db, ALL_STORES, 'readwrite', (tx) => {
      for (const s of [STORE.summaries, STORE.bodies, STORE.weights]) tx.objectStore(s).delete(id);
      const settings = tx.objectStore(STORE.settings);
      const last = settings.get(LAST_ACTIVE_KEY);
      last.onsuccess = () => {
        if (last.result === id) settings.delete(LAST_ACTIVE_KEY);
      };
      return () => undefined;
    });
  }

  getLastActiveId(): Promise<string | null> {
    return transact(this.db, [STORE.settings], 'readonly', (tx) => {
      const req = tx.objectStore(STORE.settings).get(LAST_ACTIVE_KEY);
      return () => (typeof req.result === 'string' ? req.result : null);
    });
  }

  setLastActiveId(id: string | null): Promise<void> {
    return transact(this.db, [STORE.settings], 'readwrite', (tx) => {
      const settings = tx.objectStore(STORE.settings);
      if (id === null) settings.delete(LAST_ACTIVE_KEY);
      else settings.put(id, LAST_ACTIVE_KEY);
      return () => undefined;
    });
  }

  close(): void {
    this.db.close();
  }
}
