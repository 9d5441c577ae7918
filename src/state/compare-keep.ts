// The runs on the loss chart survive a reload of the tab. They are kept in sessionStorage,
// which belongs to one tab: two tabs comparing different runs each keep their own, and a new
// tab starts with none. A long history is thinned to at most KEEP_MAX_POINTS points (every
// n-th and the last), which the chart cannot tell apart at its width; anything read back that
// is not a list of runs (another version, a hand-edited value) is dropped, run by run.
import { compareStore, type ComparedRun } from './compare';

export const COMPARE_KEY = 'gpt-playground:compared-runs';
export const KEEP_MAX_RUNS = 8;
export const KEEP_MAX_POINTS = 2000;

export type KeepStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** This tab's sessionStorage, or null where touching it throws (storage blocked). */
function tabStorage(): KeepStorage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** Every n-th element of a long series, and always its last; a short one as it is. */
export function thin<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const stride = Math.ceil(xs.length / max);
  const out = xs.filter((_, i) => i % stride === 0);
  if ((xs.length - 1) % stride !== 0) out.push(xs[xs.length - 1]);
  return out;
}

export function serializeComparedRuns(runs: readonly ComparedRun[]): string {
  return JSON.stringify(
    runs.slice(-KEEP_MAX_RUNS).map((r) => ({ id: r.id, label: r.label, steps: thin(r.steps, KEEP_MAX_POINTS), evals: thin(r.evals, KEEP_MAX_POINTS) })),
  );
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const fields = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/** The runs in a kept value; points that are not finite numbers are left out. */
export function parseComparedRuns(raw: string | null): ComparedRun[] {
  if (!raw) return [];
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  const runs: ComparedRun[] = [];
  for (const item of data.slice(0, KEEP_MAX_RUNS)) {
    const r = fields(item);
    if (!r || typeof r.id !== 'string' || typeof r.label !== 'string' || !Array.isArray(r.steps) || !Array.isArray(r.evals)) continue;
    const steps: ComparedRun['steps'] = [];
    for (const s of r.steps.map(fields)) if (s && finite(s.step) && finite(s.loss)) steps.push({ step: s.step, loss: s.loss });
    const evals: ComparedRun['evals'] = [];
    for (const e of r.evals.map(fields)) if (e && finite(e.step) && finite(e.train) && finite(e.val)) evals.push({ step: e.step, train: e.train, val: e.val });
    runs.push({ id: r.id, label: r.label, steps, evals });
  }
  return runs;
}

/** Puts back the runs this tab compared before a reload, then keeps the list as it changes. */
export function keepComparedRuns(storage: KeepStorage | null = tabStorage()): () => void {
  let raw: string | null = null;
  try {
    raw = storage?.getItem(COMPARE_KEY) ?? null;
  } catch {
    raw = null;
  }
  const kept = parseComparedRuns(raw);
  const now = compareStore.getState();
  if (kept.length > 0 && now.runs.length === 0) compareStore.setState({ runs: kept, version: now.version + 1 });
  return compareStore.subscribe((s, prev) => {
    if (s.version === prev.version) return;
    try {
      if (s.runs.length > 0) storage?.setItem(COMPARE_KEY, serializeComparedRuns(s.runs));
      else storage?.removeItem(COMPARE_KEY);
    } catch {
      // A full or blocked storage: the comparison lasts until the reload instead.
    }
  });
}
